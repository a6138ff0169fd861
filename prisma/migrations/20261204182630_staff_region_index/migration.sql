-- CreateIndex
CREATE INDEX "StaffAccount_regionId_idx" ON "StaffAccount"("regionId");
