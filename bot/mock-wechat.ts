import { FileBox } from "file-box";
import type { Wechaty } from "wechaty";
import { mock, PuppetMock } from "wechaty-puppet-mock";
import { WechatyBuilder } from "wechaty";
import { startBot, type BotLog, type RunningBot } from "./wechaty-bot.ts";

import type { EventEmitter } from "node:events";

type ContactMock = mock.ContactMock;
type RoomMock = mock.RoomMock;

/** Someone on the mock WeChat: what they send the bot, and what reaches them. */
export interface MockPerson {
  id: string;
  contact: ContactMock;
  /** Everything the bot has written to this person, in order. */
  inbox: string[];
  /** The ids of the messages this person sent the bot, in order. */
  sent: string[];
  /** Sends a text (or a file) and resolves with the bot's replies to it. */
  say(text: string): Promise<string[]>;
  send(bytes: Buffer, name: string): Promise<string[]>;
  /** Resolves with the first message from the bot (already received or still to come) that matches. */
  waitFor(match: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Calls the listener with every later message from the bot to this person (replies and pushes); returns the unsubscribe. */
  onMessage(listener: (text: string) => void): () => void;
}

/**
 * The real bot (bot/wechaty-bot.ts) on Wechaty's mock puppet: the simulators
 * and the end-to-end tests talk to it as WeChat users would, without WeChat.
 */
export class MockWeChat {
  private readonly people = new Map<string, MockPerson>();

  private constructor(
    readonly mocker: mock.Mocker,
    private running: RunningBot,
    readonly botUser: ContactMock,
    private readonly server: { serverUrl: string; botKey: string },
    private readonly log: BotLog,
  ) {}

  static async start(
    server: { serverUrl: string; botKey: string },
    log: BotLog = { info: () => {}, error: () => {} },
  ): Promise<MockWeChat> {
    const mocker = new mock.Mocker();
    const botUser = mocker.createContact({ id: "fanpin-bot", name: "防返贫助手" });
    return new MockWeChat(mocker, await MockWeChat.login(mocker, botUser, server, log), botUser, server, log);
  }

  private static async login(
    mocker: mock.Mocker,
    botUser: ContactMock,
    server: { serverUrl: string; botKey: string },
    log: BotLog,
  ): Promise<RunningBot> {
    // The mocker keeps the previous puppet, which a new puppet's constructor would try to log as JSON (a cycle).
    (mocker as unknown as { _puppet?: unknown })._puppet = undefined;
    const bot = await startBot(WechatyBuilder.build({ puppet: new PuppetMock({ mocker }) }), server, log);
    mocker.scan("mock-qrcode");
    mocker.login(botUser);
    await bot.push.whenReady();
    return bot;
  }

  get bot(): RunningBot {
    return this.running;
  }

  get wechaty(): Wechaty {
    return this.running.wechaty;
  }

  /** Stops the bot process and starts a fresh one (nothing in memory) on the same WeChat. */
  async restart(): Promise<void> {
    await this.running.stop();
    this.running = await MockWeChat.login(this.mocker, this.botUser, this.server, this.log);
  }

  /** A WeChat user; the same id on a new MockWeChat is the same person (a bot restart). */
  person(id: string, name = id): MockPerson {
    const known = this.people.get(id);
    if (known) return known;
    const contact = this.mocker.createContact({ id, name });
    const inbox: string[] = [];
    const sent: string[] = [];
    const waiters: { match: (text: string) => boolean; resolve: (text: string) => void }[] = [];
    const listeners = new Set<(text: string) => void>();
    listen(contact, (message) => {
      if (message.talker().id === id && !message.room()) sent.push(message.id);
      if (message.talker().id !== this.botUser.id || message.room()) return;
      const text = message.text() ?? "";
      inbox.push(text);
      for (const listener of listeners) listener(text);
      for (const waiter of waiters.filter((w) => w.match(text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    });
    const exchange = (send: () => void) => {
      const before = inbox.length;
      const done = this.handledFor(id);
      send();
      return done.then(() => inbox.slice(before));
    };
    const person: MockPerson = {
      id,
      contact,
      inbox,
      sent,
      say: (text) => exchange(() => contact.say(text).to(this.botUser)),
      // The mock keeps files as JSON, which only some FileBox kinds allow.
      send: (bytes, name) => exchange(() => contact.say(FileBox.fromBase64(bytes.toString("base64"), name)).to(this.botUser)),
      waitFor: (match, timeoutMs = 5000) => {
        const found = inbox.find(match);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(inbox)}`)),
            timeoutMs,
          );
          waiters.push({ match, resolve: (text) => (clearTimeout(timer), resolve(text)) });
        });
      },
      onMessage: (listener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    this.people.set(id, person);
    return person;
  }

  /** A group chat with the bot in it; `transcript` collects what the bot says there. */
  group(
    topic: string,
    members: MockPerson[],
  ): { room: RoomMock; transcript: string[]; say(from: MockPerson, text: string, mentionBot?: boolean): Promise<void> } {
    const room = this.mocker.createRoom({ id: `${topic}@chatroom`, topic, memberIdList: [this.botUser.id, ...members.map((m) => m.id)] });
    const transcript: string[] = [];
    listen(room, (message) => {
      if (message.talker().id === this.botUser.id) transcript.push(message.text() ?? "");
    });
    return {
      room,
      transcript,
      say: (from, text, mentionBot = false) => {
        const done = this.handledFor(from.id);
        from.contact.say(mentionBot ? `@${this.botUser.payload.name} ${text}` : text, mentionBot ? [this.botUser] : []).to(room);
        return done;
      },
    };
  }

  /** Delivers a message the bot already received once more, as WeChat sometimes does. */
  redeliver(messageId: string, senderId: string): Promise<void> {
    const done = this.handledFor(senderId);
    this.mocker.puppet.emit("message", { messageId });
    return done;
  }

  async stop(): Promise<void> {
    await this.bot.stop();
  }

  private handledFor(senderId: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (event: { senderId: string }) => {
        if (event.senderId !== senderId) return;
        this.bot.handled.off("handled", listener);
        resolve();
      };
      this.bot.handled.on("handled", listener);
    });
  }
}

/** The mock's typed emitters do not type-check under NodeNext; they are plain EventEmitters. */
function listen(target: ContactMock | RoomMock, listener: (message: mock.MessageMock) => void): void {
  (target as unknown as EventEmitter).on("message", listener);
}
