-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "MonitoringStatus" AS ENUM ('NONE', 'AT_RISK', 'RISK_ELIMINATED');

-- AlterEnum
ALTER TYPE "HouseholdCategory" ADD VALUE 'FORMERLY_POOR_UNSTABLE' AFTER 'FORMERLY_POOR';

-- AlterEnum
ALTER TYPE "StaffAccessAction" ADD VALUE 'EXPORT_HOUSEHOLDS';

-- AlterTable
ALTER TABLE "Household" ADD COLUMN     "helpMeasures" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "helperName" TEXT,
ADD COLUMN     "importHash" TEXT,
ADD COLUMN     "importedAt" TIMESTAMP(3),
ADD COLUMN     "monitoredSince" DATE,
ADD COLUMN     "monitoringStatus" "MonitoringStatus" NOT NULL DEFAULT 'NONE',
ADD COLUMN     "riskTypes" "RiskType"[] DEFAULT ARRAY[]::"RiskType"[];

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "params" JSONB NOT NULL,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "error" TEXT,
    "createdById" UUID,
    "regionPath" TEXT NOT NULL,
    "claimedBy" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Job_status_heartbeatAt_idx" ON "Job"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "Job_regionPath_createdAt_idx" ON "Job"("regionPath", "createdAt");
-- CreateEnum
CREATE TYPE "HouseholdImportStatus" AS ENUM ('UPLOADED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "HouseholdImportOutcome" AS ENUM ('CREATED', 'UPDATED', 'UNCHANGED', 'ERROR', 'REFUSED');

-- CreateTable
CREATE TABLE "HouseholdImport" (
    "id" UUID NOT NULL,
    "regionPath" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "headerRow" INTEGER NOT NULL,
    "mapping" JSONB,
    "status" "HouseholdImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "jobId" UUID,
    "rowsTotal" INTEGER NOT NULL DEFAULT 0,
    "errorRows" INTEGER NOT NULL DEFAULT 0,
    "householdsCreated" INTEGER NOT NULL DEFAULT 0,
    "householdsUpdated" INTEGER NOT NULL DEFAULT 0,
    "householdsUnchanged" INTEGER NOT NULL DEFAULT 0,
    "householdsRefused" INTEGER NOT NULL DEFAULT 0,
    "uploadedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ranById" UUID,
    "ranAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "fileDeletedAt" TIMESTAMP(3),

    CONSTRAINT "HouseholdImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HouseholdImportRow" (
    "id" BIGSERIAL NOT NULL,
    "importId" UUID NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "householdNumber" TEXT,
    "nameMasked" TEXT,
    "outcome" "HouseholdImportOutcome" NOT NULL,
    "errors" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "HouseholdImportRow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HouseholdImport_regionPath_createdAt_idx" ON "HouseholdImport"("regionPath", "createdAt");

-- CreateIndex
CREATE INDEX "HouseholdImport_regionPath_fileSha256_idx" ON "HouseholdImport"("regionPath", "fileSha256");

-- CreateIndex
CREATE INDEX "HouseholdImportRow_importId_outcome_rowNumber_idx" ON "HouseholdImportRow"("importId", "outcome", "rowNumber");

-- CreateIndex
CREATE UNIQUE INDEX "HouseholdImportRow_importId_rowNumber_key" ON "HouseholdImportRow"("importId", "rowNumber");

-- AddForeignKey
ALTER TABLE "HouseholdImportRow" ADD CONSTRAINT "HouseholdImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "HouseholdImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
