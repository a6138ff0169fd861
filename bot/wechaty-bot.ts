import { EventEmitter } from "node:events";
import { WechatyBuilder, types, type Message, type Wechaty } from "wechaty";
import type { BotMessageRequest, BotMessageType } from "../server/features/bot/bot-schemas.ts";
import { translator } from "../server/core/i18n/i18n.ts";
import { BotApiClient } from "./api-client.ts";
import type { BotConfig } from "./config.ts";
import { PushClient } from "./push-client.ts";

export interface BotLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface RunningBot {
  wechaty: Wechaty;
  push: PushClient;
  /** Tells when a message has been answered (the simulators and tests wait on it). */
  handled: EventEmitter<{ handled: [{ messageId: string; senderId: string }] }>;
  stop(): Promise<void>;
}

/** How many message ids the bot remembers to ignore a redelivery without asking the server. */
const rememberedMessages = 5000;

const mediaTypes: Partial<Record<types.Message, BotMessageType>> = {
  [types.Message.Image]: "image",
  [types.Message.Audio]: "voice",
  [types.Message.Attachment]: "file",
};

/** A Wechaty with the puppet the configuration names (any Wechaty puppet package). */
export function buildWechaty(config: BotConfig): Wechaty {
  return WechatyBuilder.build({
    name: config.name,
    puppet: config.puppet as never,
    puppetOptions: config.puppetToken ? { token: config.puppetToken } : {},
  });
}

/**
 * The WeChat bot: relays every message to the server and says the replies it
 * gets back; delivers the server's pushes. It keeps no state and no rules of
 * its own, so it can be restarted at any time.
 */
export async function startBot(wechaty: Wechaty, config: Pick<BotConfig, "serverUrl" | "botKey">, log: BotLog): Promise<RunningBot> {
  const api = new BotApiClient(config.serverUrl, config.botKey);
  const seen = new Set<string>();
  const fallback = translator("zh-CN")("errors.SERVICE_UNAVAILABLE");
  const handled = new EventEmitter<{ handled: [{ messageId: string; senderId: string }] }>();
  // One waiter per person in a simulator or test, however many talk at once.
  handled.setMaxListeners(0);

  async function relay(message: Message): Promise<void> {
    if (message.self()) return;
    if (seen.has(message.id)) {
      handled.emit("handled", { messageId: message.id, senderId: message.talker().id });
      return;
    }
    seen.add(message.id);
    if (seen.size > rememberedMessages) seen.delete(seen.values().next().value!);

    const talker = message.talker();
    const room = message.room();
    const type = message.type();
    const request: BotMessageRequest = {
      messageId: message.id,
      senderId: talker.id,
      type: type === types.Message.ChatHistory ? "chat_history" : type === types.Message.Text ? "text" : (mediaTypes[type] ?? "other"),
      text: "",
      room: room ? { id: room.id, mentioned: await message.mentionSelf() } : undefined,
    };
    let replies: string[];
    try {
      if (!room && mediaTypes[type]) {
        const file = await message.toFileBox();
        replies = (await api.media(request, { bytes: await file.toBuffer(), name: file.name })).replies;
      } else {
        // Group chats never send files to the server: nothing personal is collected there.
        const text = room ? await message.mentionText() : message.text();
        replies = (await api.message({ ...request, type: room && request.type !== "text" ? "other" : request.type, text })).replies;
      }
    } catch (error) {
      log.error(`message ${message.id} could not be relayed`, error);
      // Forgotten, so WeChat's redelivery (or the same message again) is tried afresh.
      seen.delete(message.id);
      replies = room ? [] : [fallback];
    }
    for (const reply of replies) await (room ? room.say(reply) : talker.say(reply));
    handled.emit("handled", { messageId: message.id, senderId: talker.id });
  }

  const push = new PushClient(config.serverUrl, config.botKey, {
    async deliver(to, text) {
      const contact = await wechaty.Contact.find({ id: to });
      if (!contact) throw new Error(`contact ${to} is not reachable`);
      await contact.say(text);
    },
    onError: (error) => log.error("push connection", error),
  });

  wechaty.on("message", (message) => void relay(message).catch((error) => log.error("message handling failed", error)));
  wechaty.on("scan", (qrcode, status) =>
    log.info(`scan to log in (${types.ScanStatus[status]}): https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`),
  );
  wechaty.on("login", (user) => {
    log.info(`bot logged in as ${user.name()}`);
    push.start();
  });
  wechaty.on("logout", () => push.stop());
  wechaty.on("error", (error) => log.error("wechaty", error));
  await wechaty.start();
  return {
    wechaty,
    push,
    handled,
    async stop() {
      push.stop();
      await wechaty.stop();
    },
  };
}
