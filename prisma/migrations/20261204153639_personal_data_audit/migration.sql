-- CreateEnum
CREATE TYPE "StaffAccessAction" AS ENUM ('VIEW_CASE', 'VIEW_ATTACHMENT', 'REVEAL', 'EXPORT_TRACE', 'EXPORT_LEDGER', 'EXPORT_PERSON');

-- AlterEnum
ALTER TYPE "StaffRole" ADD VALUE 'AUDITOR';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "bankAccountEnc" TEXT,
ADD COLUMN     "bankAccountHash" TEXT,
ADD COLUMN     "bankName" TEXT,
ADD COLUMN     "personalDataErasedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StaffAccessLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "staffId" UUID NOT NULL,
    "staffRole" "StaffRole" NOT NULL,
    "action" "StaffAccessAction" NOT NULL,
    "caseId" UUID,
    "subject" TEXT,
    "reason" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "requestId" TEXT,
    "ip" TEXT,

    CONSTRAINT "StaffAccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StaffAccessLog_caseId_at_idx" ON "StaffAccessLog"("caseId", "at");

-- CreateIndex
CREATE INDEX "StaffAccessLog_staffId_at_idx" ON "StaffAccessLog"("staffId", "at");

-- CreateIndex
CREATE INDEX "StaffAccessLog_at_idx" ON "StaffAccessLog"("at");

-- CreateIndex
CREATE INDEX "Case_bankAccountHash_idx" ON "Case"("bankAccountHash");

-- AddForeignKey
ALTER TABLE "StaffAccessLog" ADD CONSTRAINT "StaffAccessLog_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "StaffAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffAccessLog" ADD CONSTRAINT "StaffAccessLog_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: the staff-access log is append-only in the database itself. UPDATE and TRUNCATE are refused
-- always; DELETE only for rows older than six months (the retention purge), never for younger ones.
-- "at" holds UTC without a zone, like every Prisma DateTime, hence now() taken in UTC.
CREATE FUNCTION refuse_young_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD."at" < (now() AT TIME ZONE 'UTC') - interval '6 months' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "StaffAccessLog_append_only"
  BEFORE UPDATE OR DELETE ON "StaffAccessLog"
  FOR EACH ROW EXECUTE FUNCTION refuse_young_access_log_change();

CREATE TRIGGER "StaffAccessLog_no_truncate"
  BEFORE TRUNCATE ON "StaffAccessLog"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
