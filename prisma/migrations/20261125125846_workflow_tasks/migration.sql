-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "Desk" AS ENUM ('VILLAGE', 'TOWNSHIP', 'COUNTY');

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "caseDueAt" TIMESTAMP(3),
ADD COLUMN     "dataComparison" TEXT,
ADD COLUMN     "publicityEndsAt" TIMESTAMP(3),
ADD COLUMN     "workflowId" UUID;

-- CreateTable
CREATE TABLE "WorkflowDefinition" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "regionCode" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL,
    "checksum" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkflowDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseTask" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "desk" "Desk" NOT NULL,
    "regionId" UUID NOT NULL,
    "regionPath" TEXT NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "dueAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "completedBy" TEXT,

    CONSTRAINT "CaseTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowDefinition_key_regionCode_version_key" ON "WorkflowDefinition"("key", "regionCode", "version");

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowDefinition_key_regionCode_checksum_key" ON "WorkflowDefinition"("key", "regionCode", "checksum");

-- CreateIndex
CREATE INDEX "CaseTask_regionPath_status_dueAt_idx" ON "CaseTask"("regionPath", "status", "dueAt");

-- CreateIndex
CREATE INDEX "CaseTask_caseId_status_idx" ON "CaseTask"("caseId", "status");

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_workflowId_fkey" FOREIGN KEY ("workflowId") REFERENCES "WorkflowDefinition"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseTask" ADD CONSTRAINT "CaseTask_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
