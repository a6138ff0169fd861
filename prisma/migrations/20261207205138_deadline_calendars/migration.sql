-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "caseDueFrom" TIMESTAMP(3),
ADD COLUMN     "caseDueProvisional" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "caseDueWorkingDays" INTEGER,
ADD COLUMN     "stageDueProvisional" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CaseTask" ADD COLUMN     "dueFrom" TIMESTAMP(3),
ADD COLUMN     "dueProvisional" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "dueWorkingDays" INTEGER;

-- AlterTable
ALTER TABLE "DepartmentAssignment" ADD COLUMN     "dueFrom" TIMESTAMP(3),
ADD COLUMN     "dueProvisional" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "dueWorkingDays" INTEGER;

-- CreateTable
CREATE TABLE "CalendarYear" (
    "id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "holidays" TEXT[],
    "makeupWorkdays" TEXT[],
    "source" TEXT NOT NULL,
    "note" TEXT,
    "loadedById" UUID,
    "loadedByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CalendarYear_year_version_key" ON "CalendarYear"("year", "version");

-- CreateIndex
CREATE INDEX "Case_caseDueProvisional_status_idx" ON "Case"("caseDueProvisional", "status");

-- CreateIndex
CREATE INDEX "Case_status_caseDueAt_idx" ON "Case"("status", "caseDueAt");

-- CreateIndex
CREATE INDEX "CaseTask_dueProvisional_status_idx" ON "CaseTask"("dueProvisional", "status");

-- CreateIndex
CREATE INDEX "DepartmentAssignment_dueProvisional_status_idx" ON "DepartmentAssignment"("dueProvisional", "status");

-- CreateIndex
CREATE INDEX "DepartmentAssignment_status_dueAt_idx" ON "DepartmentAssignment"("status", "dueAt");

-- Hand-written: a loaded arrangement is a record of who changed the deadlines of every case; the database refuses changes.
CREATE TRIGGER "CalendarYear_append_only"
  BEFORE UPDATE OR DELETE ON "CalendarYear"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "CalendarYear_no_truncate"
  BEFORE TRUNCATE ON "CalendarYear"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
