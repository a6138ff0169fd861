-- CreateEnum
CREATE TYPE "AssignmentStatus" AS ENUM ('OPEN', 'REPORTED');

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "monitoredSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DepartmentAssignment" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "department" TEXT NOT NULL,
    "riskType" "RiskType" NOT NULL,
    "measure" TEXT NOT NULL,
    "regionPath" TEXT NOT NULL,
    "status" "AssignmentStatus" NOT NULL DEFAULT 'OPEN',
    "dueAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "report" TEXT,
    "reportedAt" TIMESTAMP(3),
    "reportedBy" TEXT,

    CONSTRAINT "DepartmentAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DepartmentAssignment_department_regionPath_status_idx" ON "DepartmentAssignment"("department", "regionPath", "status");

-- CreateIndex
CREATE INDEX "DepartmentAssignment_caseId_idx" ON "DepartmentAssignment"("caseId");

-- AddForeignKey
ALTER TABLE "DepartmentAssignment" ADD CONSTRAINT "DepartmentAssignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
