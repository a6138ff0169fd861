-- CreateTable
CREATE TABLE "BotConversation" (
    "senderId" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BotConversation_pkey" PRIMARY KEY ("senderId")
);

-- CreateTable
CREATE TABLE "BotMessage" (
    "messageId" TEXT NOT NULL,
    "senderId" TEXT NOT NULL,
    "replies" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BotMessage_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "BotMessage_senderId_createdAt_idx" ON "BotMessage"("senderId", "createdAt");
