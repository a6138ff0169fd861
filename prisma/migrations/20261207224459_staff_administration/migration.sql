-- AlterTable
ALTER TABLE "StaffAccount" ADD COLUMN     "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "passwordChangedAt" TIMESTAMP(3),
ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "StaffAdminEvent" (
    "id" BIGSERIAL NOT NULL,
    "staffId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actorId" UUID,
    "actorName" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffAdminEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StaffAdminEvent_staffId_at_idx" ON "StaffAdminEvent"("staffId", "at");

-- Hand-written: the record of staff administration is append-only; the database refuses changes.
CREATE TRIGGER "StaffAdminEvent_append_only"
  BEFORE UPDATE OR DELETE ON "StaffAdminEvent"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "StaffAdminEvent_no_truncate"
  BEFORE TRUNCATE ON "StaffAdminEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
