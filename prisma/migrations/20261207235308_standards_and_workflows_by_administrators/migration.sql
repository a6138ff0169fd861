-- CreateTable
CREATE TABLE "WorkflowUpload" (
    "id" BIGSERIAL NOT NULL,
    "definitionId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "regionCode" TEXT NOT NULL,
    "actorId" UUID,
    "actorName" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkflowUpload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonitoringStandardChange" (
    "id" BIGSERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "regionCode" TEXT NOT NULL,
    "incomeLine" INTEGER,
    "yellowMultiple" DOUBLE PRECISION,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "actorId" UUID,
    "actorName" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MonitoringStandardChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WorkflowUpload_key_regionCode_id_idx" ON "WorkflowUpload"("key", "regionCode", "id");

-- CreateIndex
CREATE INDEX "MonitoringStandardChange_year_regionCode_id_idx" ON "MonitoringStandardChange"("year", "regionCode", "id");

-- AddForeignKey
ALTER TABLE "WorkflowUpload" ADD CONSTRAINT "WorkflowUpload_definitionId_fkey" FOREIGN KEY ("definitionId") REFERENCES "WorkflowDefinition"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: who put which workflow in force, and every change of a monitoring standard, are append-only.
CREATE TRIGGER "WorkflowUpload_append_only"
  BEFORE UPDATE OR DELETE ON "WorkflowUpload"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "WorkflowUpload_no_truncate"
  BEFORE TRUNCATE ON "WorkflowUpload"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "MonitoringStandardChange_append_only"
  BEFORE UPDATE OR DELETE ON "MonitoringStandardChange"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "MonitoringStandardChange_no_truncate"
  BEFORE TRUNCATE ON "MonitoringStandardChange"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
