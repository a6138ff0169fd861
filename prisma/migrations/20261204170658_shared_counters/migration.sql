-- CreateTable (UNLOGGED by hand: counters need no WAL, and a crash that empties them only ends throttles early)
CREATE UNLOGGED TABLE "SharedCounter" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "resetAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SharedCounter_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SharedCounter_resetAt_idx" ON "SharedCounter"("resetAt");
