-- DropIndex
DROP INDEX "Case_regionPath_status_createdAt_idx";

-- CreateIndex
CREATE INDEX "Case_regionId_status_createdAt_id_idx" ON "Case"("regionId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Case_status_stage_createdAt_id_idx" ON "Case"("status", "stage", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Case_status_createdAt_id_idx" ON "Case"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Case_createdAt_id_idx" ON "Case"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "CaseTask_regionId_status_dueAt_createdAt_idx" ON "CaseTask"("regionId", "status", "dueAt", "createdAt");

-- CreateIndex
CREATE INDEX "CaseTask_desk_status_dueAt_createdAt_idx" ON "CaseTask"("desk", "status", "dueAt", "createdAt");
