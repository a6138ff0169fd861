import { conversationTimeoutMs, timeOut, type ConversationState, type DraftState } from "./conversation/engine.ts";
import { translator } from "../../core/i18n/i18n.ts";
import type { BotPushService } from "./bot-push-service.ts";
import type { ServiceDeps } from "../../service-deps.ts";

/** Conversations looked at per run; the next run takes the rest. */
const batchSize = 500;

/**
 * Ends the bot's conversations left half-way for half an hour (a scheduled job): an application is
 * put aside for "继续", anything else dropped (engine.ts, timeOut), and the sender is told by a push —
 * held through quiet hours like every push — instead of only on their next message.
 */
export class ConversationTimeouts {
  constructor(
    private readonly deps: Pick<ServiceDeps, "prisma" | "now" | "notifier">,
    private readonly pushes: Pick<BotPushService, "storeWithin">,
  ) {}

  async run(): Promise<{ conversations: number }> {
    const { prisma, now: clock } = this.deps;
    const now = clock();
    const stale = await prisma.$queryRaw<
      { senderId: string; state: ConversationState; savedApplication: DraftState | null; locale: string; updatedAt: Date }[]
    >`
      SELECT "senderId", "state", "savedApplication", "locale", "updatedAt" FROM "BotConversation"
      WHERE "updatedAt" < ${new Date(now.getTime() - conversationTimeoutMs)} AND "state"->>'step' <> 'idle'
      ORDER BY "updatedAt" LIMIT ${batchSize}`;
    let ended = 0;
    for (const row of stale) {
      const expired = timeOut({ state: row.state, saved: row.savedApplication });
      if (!expired) continue;
      const t = translator(row.locale === "en" ? "en" : "zh-CN");
      const done = await prisma.$transaction(async (tx) => {
        // Only if the sender has not written since it was read: the conversation and the push go together or not at all.
        const claimed = await tx.$executeRaw`UPDATE "BotConversation"
          SET "state" = ${JSON.stringify(expired.conversation.state)}::jsonb,
              "savedApplication" = ${expired.conversation.saved ? JSON.stringify(expired.conversation.saved) : null}::jsonb,
              "updatedAt" = ${now}
          WHERE "senderId" = ${row.senderId} AND "updatedAt" = ${row.updatedAt}`;
        if (claimed !== 1) return false;
        await this.pushes.storeWithin(tx, row.senderId, "conversation", t(expired.key));
        return true;
      });
      if (done) ended++;
    }
    if (ended > 0) this.deps.notifier.pushesDue();
    return { conversations: ended };
  }
}
