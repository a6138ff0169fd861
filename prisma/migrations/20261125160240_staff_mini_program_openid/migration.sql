-- AlterTable
ALTER TABLE "StaffAccount" ADD COLUMN     "miniProgramOpenid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_miniProgramOpenid_key" ON "StaffAccount"("miniProgramOpenid");
