-- AlterTable
ALTER TABLE "Region" ADD COLUMN     "contactPhone" TEXT;

-- AlterTable
ALTER TABLE "StaffAccount" ADD COLUMN     "wechatBindCodeExpiresAt" TIMESTAMP(3),
ADD COLUMN     "wechatBindCodeHash" TEXT,
ADD COLUMN     "wechatId" TEXT;

-- AlterTable
ALTER TABLE "BotConversation" ADD COLUMN     "savedApplication" JSONB;

-- CreateTable
CREATE TABLE "BotPush" (
    "id" UUID NOT NULL,
    "recipientId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "BotPush_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BotPush_deliveredAt_notBefore_idx" ON "BotPush"("deliveredAt", "notBefore");

-- CreateIndex
CREATE INDEX "BotPush_recipientId_topic_idx" ON "BotPush"("recipientId", "topic");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_wechatId_key" ON "StaffAccount"("wechatId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffAccount_wechatBindCodeHash_key" ON "StaffAccount"("wechatBindCodeHash");
