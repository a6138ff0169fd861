-- CreateTable
CREATE TABLE "KeyFingerprint" (
    "name" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyFingerprint_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "BotConversation_updatedAt_idx" ON "BotConversation"("updatedAt");
