-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "caseOverdueAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "CaseTask" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "escalatedToPath" TEXT;

-- CreateIndex
CREATE INDEX "CaseTask_status_dueAt_idx" ON "CaseTask"("status", "dueAt");

-- CreateIndex
CREATE INDEX "CaseTask_escalatedToPath_status_idx" ON "CaseTask"("escalatedToPath", "status");
