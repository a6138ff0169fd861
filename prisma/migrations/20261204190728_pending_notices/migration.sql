-- CreateTable
CREATE TABLE "PendingNotice" (
    "id" BIGSERIAL NOT NULL,
    "notice" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMP(3),
    "claim" UUID,

    CONSTRAINT "PendingNotice_pkey" PRIMARY KEY ("id")
);
