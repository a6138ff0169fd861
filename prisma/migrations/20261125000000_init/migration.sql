-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RegionLevel" AS ENUM ('COUNTY', 'TOWNSHIP', 'VILLAGE', 'GROUP');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('GRID_WORKER', 'VILLAGE', 'TOWNSHIP', 'COUNTY', 'DEPARTMENT', 'ADMIN');

-- CreateEnum
CREATE TYPE "HouseholdCategory" AS ENUM ('NONE', 'FORMERLY_POOR', 'MARGINAL', 'SUDDEN_HARDSHIP');

-- CreateEnum
CREATE TYPE "Relation" AS ENUM ('HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD', 'GRANDPARENT', 'SIBLING', 'OTHER');

-- CreateEnum
CREATE TYPE "LabourCapacity" AS ENUM ('FULL', 'PARTIAL', 'NONE', 'NOT_WORKING_AGE');

-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('HEALTHY', 'CHRONIC_ILLNESS', 'SERIOUS_ILLNESS', 'DISABLED');

-- CreateEnum
CREATE TYPE "Schooling" AS ENUM ('NONE', 'PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL', 'HIGHER', 'NOT_IN_SCHOOL');

-- CreateEnum
CREATE TYPE "IncomeSource" AS ENUM ('WAGE', 'BUSINESS', 'PROPERTY', 'TRANSFER');

-- CreateEnum
CREATE TYPE "ExpenseKind" AS ENUM ('MEDICAL', 'EDUCATION', 'OTHER');

-- CreateEnum
CREATE TYPE "CaseKind" AS ENUM ('HARDSHIP_REPORT', 'MONITORING_APPLICATION', 'ASSISTANCE_APPLICATION', 'EMERGENCY_AID', 'DEPARTMENT_LEAD');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('BOT', 'MINI_PROGRAM', 'GRID_WORKER', 'DEPARTMENT_SCREENING', 'CADRE_VISIT', 'WEB');

-- CreateEnum
CREATE TYPE "RiskType" AS ENUM ('ILLNESS', 'DISABILITY', 'SCHOOLING', 'DISASTER', 'ACCIDENT', 'BUSINESS_FAILURE', 'UNSTABLE_WORK', 'HOUSING', 'DRINKING_WATER', 'INCOME_DROP', 'EXPENSE_SURGE', 'OTHER');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('OPEN', 'APPROVED', 'REJECTED', 'CLOSED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "RoutingOutcome" AS ENUM ('VILLAGE', 'TOWNSHIP_TRIAGE', 'COUNTY_TRIAGE');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('RESIDENT', 'STAFF', 'SYSTEM');

-- CreateEnum
CREATE TYPE "ConsentScope" AS ENUM ('PERSONAL_INFORMATION', 'FAMILY_ECONOMIC_CHECK', 'SENSITIVE_HEALTH', 'PROXY_FILING');

-- CreateEnum
CREATE TYPE "ConsentMethod" AS ENUM ('WECHAT_CONFIRMATION', 'SIGNED_PAPER', 'VERBAL_WITNESSED');

-- CreateEnum
CREATE TYPE "AttachmentKind" AS ENUM ('PHOTO', 'VOICE', 'DOCUMENT');

-- CreateTable
CREATE TABLE "Region" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "aliases" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "level" "RegionLevel" NOT NULL,
    "parentId" UUID,
    "path" TEXT NOT NULL,

    CONSTRAINT "Region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffAccount" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "regionId" UUID NOT NULL,
    "department" TEXT,
    "phoneEnc" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResidentIdentity" (
    "id" UUID NOT NULL,
    "openid" TEXT NOT NULL,
    "unionid" TEXT,
    "displayName" TEXT,
    "phoneEnc" TEXT,
    "phoneHash" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "householdId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResidentIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Household" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "regionId" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "category" "HouseholdCategory" NOT NULL DEFAULT 'NONE',
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HouseholdMember" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "relation" "Relation" NOT NULL,
    "gender" TEXT,
    "birthDate" DATE NOT NULL,
    "idNumberEnc" TEXT NOT NULL,
    "idNumberHash" TEXT NOT NULL,
    "labourCapacity" "LabourCapacity" NOT NULL,
    "health" "HealthStatus" NOT NULL DEFAULT 'HEALTHY',
    "disability" TEXT,
    "schooling" "Schooling" NOT NULL DEFAULT 'NONE',

    CONSTRAINT "HouseholdMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Income" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "source" "IncomeSource" NOT NULL,
    "amount" INTEGER NOT NULL,
    "productionCost" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT,

    CONSTRAINT "Income_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Expense" (
    "id" UUID NOT NULL,
    "householdId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" "ExpenseKind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "note" TEXT,

    CONSTRAINT "Expense_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "kind" "CaseKind" NOT NULL,
    "channel" "Channel" NOT NULL,
    "riskTypes" "RiskType"[],
    "description" TEXT NOT NULL,
    "addressText" TEXT,
    "applicantName" TEXT NOT NULL,
    "contactPhoneEnc" TEXT NOT NULL,
    "contactPhoneHash" TEXT NOT NULL,
    "applicantIdNumberEnc" TEXT,
    "applicantIdNumberHash" TEXT,
    "householdId" UUID,
    "reporterResidentId" UUID,
    "reporterStaffId" UUID,
    "regionId" UUID NOT NULL,
    "regionPath" TEXT NOT NULL,
    "routing" "RoutingOutcome" NOT NULL,
    "stage" TEXT NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'OPEN',
    "stageDueAt" TIMESTAMP(3),
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "idempotencyKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "action" TEXT NOT NULL,
    "fromStage" TEXT,
    "toStage" TEXT,
    "reason" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" UUID NOT NULL,
    "caseId" UUID,
    "householdId" UUID,
    "grantorName" TEXT NOT NULL,
    "grantorResidentId" UUID,
    "scope" "ConsentScope" NOT NULL,
    "method" "ConsentMethod" NOT NULL,
    "recordedByStaffId" UUID,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "kind" "AttachmentKind" NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "caseId" UUID,
    "uploadedByType" "ActorType" NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Region_code_key" ON "Region"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Region_path_key" ON "Region"("path");

-- CreateIndex
CREATE INDEX "Region_parentId_idx" ON "Region"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_username_key" ON "StaffAccount"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ResidentIdentity_openid_key" ON "ResidentIdentity"("openid");

-- CreateIndex
CREATE UNIQUE INDEX "ResidentIdentity_unionid_key" ON "ResidentIdentity"("unionid");

-- CreateIndex
CREATE INDEX "ResidentIdentity_phoneHash_idx" ON "ResidentIdentity"("phoneHash");

-- CreateIndex
CREATE UNIQUE INDEX "Household_number_key" ON "Household"("number");

-- CreateIndex
CREATE INDEX "Household_regionId_idx" ON "Household"("regionId");

-- CreateIndex
CREATE UNIQUE INDEX "HouseholdMember_idNumberHash_key" ON "HouseholdMember"("idNumberHash");

-- CreateIndex
CREATE INDEX "HouseholdMember_householdId_idx" ON "HouseholdMember"("householdId");

-- CreateIndex
CREATE INDEX "Income_householdId_year_idx" ON "Income"("householdId", "year");

-- CreateIndex
CREATE INDEX "Expense_householdId_year_idx" ON "Expense"("householdId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "Case_number_key" ON "Case"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Case_idempotencyKey_key" ON "Case"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Case_regionPath_status_createdAt_idx" ON "Case"("regionPath", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Case_reporterResidentId_createdAt_idx" ON "Case"("reporterResidentId", "createdAt");

-- CreateIndex
CREATE INDEX "Case_contactPhoneHash_idx" ON "Case"("contactPhoneHash");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_at_idx" ON "CaseEvent"("caseId", "at");

-- CreateIndex
CREATE INDEX "Consent_caseId_idx" ON "Consent"("caseId");

-- CreateIndex
CREATE INDEX "Attachment_caseId_idx" ON "Attachment"("caseId");

-- CreateIndex
CREATE INDEX "Attachment_uploadedById_idx" ON "Attachment"("uploadedById");

-- AddForeignKey
ALTER TABLE "Region" ADD CONSTRAINT "Region_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Region"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffAccount" ADD CONSTRAINT "StaffAccount_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResidentIdentity" ADD CONSTRAINT "ResidentIdentity_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Household" ADD CONSTRAINT "Household_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HouseholdMember" ADD CONSTRAINT "HouseholdMember_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Income" ADD CONSTRAINT "Income_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Expense" ADD CONSTRAINT "Expense_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_reporterResidentId_fkey" FOREIGN KEY ("reporterResidentId") REFERENCES "ResidentIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_grantorResidentId_fkey" FOREIGN KEY ("grantorResidentId") REFERENCES "ResidentIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: case numbers come from one sequence, so concurrent intake never collides.
CREATE SEQUENCE "case_number_seq" START 1;

-- Hand-written: the case event log is append-only; the database itself refuses changes.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "CaseEvent_append_only"
  BEFORE UPDATE OR DELETE ON "CaseEvent"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TRIGGER "CaseEvent_no_truncate"
  BEFORE TRUNCATE ON "CaseEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
