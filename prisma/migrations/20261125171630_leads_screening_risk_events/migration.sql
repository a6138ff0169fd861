-- CreateEnum
CREATE TYPE "ScreeningImportStatus" AS ENUM ('UPLOADED', 'COMPLETED');

-- CreateEnum
CREATE TYPE "ScreeningOutcome" AS ENUM ('ERROR', 'NO_MATCH', 'OUT_OF_SCOPE', 'NO_HIT', 'LEAD_CREATED', 'ALREADY_OPEN', 'ALREADY_RAISED', 'DUPLICATE_ROW');

-- CreateEnum
CREATE TYPE "RiskEventType" AS ENUM ('FLOOD', 'DROUGHT', 'EPIDEMIC', 'PRICE_COLLAPSE', 'MASS_UNEMPLOYMENT', 'PROJECT_FAILURE', 'OTHER');

-- CreateEnum
CREATE TYPE "RiskEventScope" AS ENUM ('MONITORED', 'ALL');

-- CreateEnum
CREATE TYPE "RiskEventOutcome" AS ENUM ('LEAD_CREATED', 'ALREADY_OPEN');

-- AlterEnum
ALTER TYPE "Channel" ADD VALUE 'RISK_EVENT';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "riskEventId" UUID;

-- CreateTable
CREATE TABLE "ScreeningImport" (
    "id" UUID NOT NULL,
    "department" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "regionPath" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "headerRow" INTEGER NOT NULL,
    "status" "ScreeningImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "mapping" JSONB,
    "rowsTotal" INTEGER NOT NULL DEFAULT 0,
    "errorRows" INTEGER NOT NULL DEFAULT 0,
    "noMatch" INTEGER NOT NULL DEFAULT 0,
    "outOfScope" INTEGER NOT NULL DEFAULT 0,
    "noHit" INTEGER NOT NULL DEFAULT 0,
    "leadsCreated" INTEGER NOT NULL DEFAULT 0,
    "alreadyOpen" INTEGER NOT NULL DEFAULT 0,
    "alreadyRaised" INTEGER NOT NULL DEFAULT 0,
    "duplicateRows" INTEGER NOT NULL DEFAULT 0,
    "uploadedById" UUID NOT NULL,
    "ranById" UUID,
    "ranAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScreeningImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScreeningRow" (
    "id" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "outcome" "ScreeningOutcome" NOT NULL,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "idNumberMasked" TEXT,
    "nameMasked" TEXT,
    "householdId" UUID,
    "caseId" UUID,
    "ruleIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "duplicateOf" INTEGER,

    CONSTRAINT "ScreeningRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskEvent" (
    "id" UUID NOT NULL,
    "type" "RiskEventType" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "startsOn" DATE NOT NULL,
    "endsOn" DATE,
    "scope" "RiskEventScope" NOT NULL,
    "regionPath" TEXT NOT NULL,
    "declaredById" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RiskEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskEventVillage" (
    "eventId" UUID NOT NULL,
    "regionId" UUID NOT NULL,
    "regionPath" TEXT NOT NULL,

    CONSTRAINT "RiskEventVillage_pkey" PRIMARY KEY ("eventId","regionId")
);

-- CreateTable
CREATE TABLE "RiskEventHousehold" (
    "eventId" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "villagePath" TEXT NOT NULL,
    "outcome" "RiskEventOutcome" NOT NULL,
    "caseId" UUID NOT NULL,

    CONSTRAINT "RiskEventHousehold_pkey" PRIMARY KEY ("eventId","householdId")
);

-- CreateIndex
CREATE INDEX "ScreeningImport_regionPath_createdAt_idx" ON "ScreeningImport"("regionPath", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScreeningImport_regionPath_department_period_fileSha256_key" ON "ScreeningImport"("regionPath", "department", "period", "fileSha256");

-- CreateIndex
CREATE INDEX "ScreeningRow_importId_outcome_idx" ON "ScreeningRow"("importId", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "ScreeningRow_importId_rowNumber_key" ON "ScreeningRow"("importId", "rowNumber");

-- CreateIndex
CREATE UNIQUE INDEX "RiskEvent_idempotencyKey_key" ON "RiskEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "RiskEvent_regionPath_createdAt_idx" ON "RiskEvent"("regionPath", "createdAt");

-- CreateIndex
CREATE INDEX "RiskEventVillage_regionPath_idx" ON "RiskEventVillage"("regionPath");

-- CreateIndex
CREATE INDEX "RiskEventHousehold_eventId_villagePath_idx" ON "RiskEventHousehold"("eventId", "villagePath");

-- CreateIndex
CREATE INDEX "Case_riskEventId_idx" ON "Case"("riskEventId");

-- CreateIndex
CREATE INDEX "Case_householdId_status_idx" ON "Case"("householdId", "status");

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_riskEventId_fkey" FOREIGN KEY ("riskEventId") REFERENCES "RiskEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScreeningRow" ADD CONSTRAINT "ScreeningRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "ScreeningImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskEventVillage" ADD CONSTRAINT "RiskEventVillage_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "RiskEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RiskEventHousehold" ADD CONSTRAINT "RiskEventHousehold_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "RiskEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
