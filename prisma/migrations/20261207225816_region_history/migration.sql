-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "mergedIntoId" UUID;

-- CreateTable
CREATE TABLE "RegionChange" (
    "id" BIGSERIAL NOT NULL,
    "regionId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "actorId" UUID,
    "actorName" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegionChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RegionChange_regionId_at_idx" ON "RegionChange"("regionId", "at");

-- Hand-written: the history of the administrative tree is append-only; the database refuses changes.
CREATE TRIGGER "RegionChange_append_only"
  BEFORE UPDATE OR DELETE ON "RegionChange"
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER "RegionChange_no_truncate"
  BEFORE TRUNCATE ON "RegionChange"
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
