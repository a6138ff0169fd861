/**
 * The bot scenario's load generator, in its own process: the real bot (bot/wechaty-bot.ts) on Wechaty's mock
 * puppet, started the way the simulators and the end-to-end tests start it (bot/mock-wechat.ts), relaying to the
 * app server; and N mock WeChat contacts, each holding one conversation in a closed loop (the next message only
 * once the bot has answered the last one). A conversation is a hardship report walked through the questions the
 * conversation engine asks (name, phone, the place when the report names none, the read-back, "是"), which files a
 * case, then "查进度". The contacts answer whatever the bot asks, so a changed question order still files cases.
 *
 * The contacts share this process with the bot because the mock WeChat does (the puppet holds the mocker): the
 * memory measured is the bot's plus the mock WeChat's.
 *   → {type:"ready"}   ← BotLoadSpec   → {type:"result", result: LoadResult}
 */
import { performance } from "node:perf_hooks";
import { MockWeChat, type MockPerson } from "../bot/mock-wechat.ts";
import { translator } from "../server/core/i18n/i18n.ts";
import { demoGridWorkerWechatId } from "../server/demo/demo-county.ts";
import { summarise } from "./load-shared.ts";
import type { LoadResult } from "./load.ts";

export interface BotLoadSpec {
  url: string;
  botKey: string;
  contacts: number;
  duration: number;
}

/** A message without a reply within this long is a timeout (autocannon's timeout in the HTTP scenarios). */
const timeoutMs = 10_000;

const t = translator("zh-CN");
/** A reply template's fixed start, up to its first parameter (templates keep unfilled {{parameters}} as they are). */
const head = (key: string, params?: Record<string, string>) => t(key, params).split("{{")[0]!;
const questions = {
  name: [t("bot.askName"), t("bot.askNameAgain")],
  phone: [t("bot.askPhone"), t("bot.askPhoneAgain")],
  place: [t("bot.askPlace")],
};
const readBack = head("bot.confirm");
const acknowledgement = head("acknowledgement.received");
/** What the bot says when it cannot reach the server (bot/wechaty-bot.ts). */
const unavailable = t("errors.SERVICE_UNAVAILABLE");
const pushHead = head("bot.push.caseUpdated");
const isPush = (text: string) => text.startsWith(pushHead);
const confirm = "是";

// Reports that name their village and reports that leave the place to a question (one states the applicant's name,
// which saves that question); the places answered route to a village, or (ambiguous or unknown) to triage.
const reports = [
  "家里房子被洪水冲了,庄稼也没了,在石门村",
  "老伴住院花了三万多,家里没钱了",
  "孩子上大学学费交不起了,白沙村的",
  "我打工的厂子倒闭了,家里没有收入了",
  "我叫李桂兰,老伴生病住院花了两万多,红旗村的",
  "房子塌了一半,没地方住了",
];
const places = ["石门村二组", "桃园村", "合成7村", "不知道叫什么地方"];
const surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const givenNames = ["德福", "秀英", "建国", "有福"];

async function run(spec: BotLoadSpec): Promise<LoadResult> {
  const counts = { replied: 0, unavailable: 0, unexpected: 0, confirmations: 0, cases: 0, pushes: 0, botErrors: 0 };
  const starting = MockWeChat.start(
    { serverUrl: spec.url, botKey: spec.botKey },
    {
      info: () => {},
      error: (message, error) => {
        if (counts.botErrors++ < 5) console.error(`[bench bot] ${message}`, error instanceof Error ? error.message : (error ?? ""));
      },
    },
  );
  // A bot the server refuses keeps reconnecting; failing here ends this process, and the bench with it, instead of hanging.
  const wechat = await Promise.race([
    starting,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the bot was not accepted by the server within 30 s")), 30_000).unref(),
    ),
  ]);
  const latencies: number[] = [];
  const acknowledgedNumbers: string[] = [];
  let timeouts = 0;
  const unexpected = (sent: string, reply: string) => {
    if (counts.unexpected++ < 5) console.error(`[bench bot] unexpected reply to ${JSON.stringify(sent)}: ${JSON.stringify(reply)}`);
  };

  // The demo grid worker's WeChat: the village's new tasks are pushed to it, so it must be a contact the bot can reach.
  wechat.person(demoGridWorkerWechatId).onMessage(() => counts.pushes++);
  const people = Array.from({ length: spec.contacts }, (_, i) => wechat.person(`bench-contact-${i}`, `村民${i}`));
  for (const person of people) person.onMessage((text) => void (isPush(text) && counts.pushes++));

  const begin = performance.now();
  const end = begin + spec.duration * 1000;
  // A message sent just before the end still gets its full timeout; nothing waits longer than that.
  const giveUp = new Promise<null>((resolve) => setTimeout(resolve, spec.duration * 1000 + timeoutMs, null));

  /** Sends one message and resolves with the bot's last reply to it (its question), or null once the run is over. */
  async function turn(person: MockPerson, text: string): Promise<string | null> {
    if (performance.now() >= end) return null;
    if (text === confirm) counts.confirmations++;
    const sent = performance.now();
    let first: number | undefined;
    const off = person.onMessage((reply) => {
      if (first === undefined && !isPush(reply)) first = performance.now();
    });
    const answered = person.say(text);
    let timer: NodeJS.Timeout | undefined;
    let replies = await Promise.race([answered, new Promise<null>((resolve) => (timer = setTimeout(resolve, timeoutMs, null)))]);
    clearTimeout(timer);
    const timedOut = replies === null;
    if (timedOut) {
      timeouts++;
      // The conversation goes on from the late answer, so the contact's next message still fits the bot's question.
      replies = await Promise.race([answered, giveUp]);
    }
    off();
    const last = replies?.filter((reply) => !isPush(reply)).at(-1);
    if (last === undefined) return null;
    if (timedOut) return last;
    if (last === unavailable) counts.unavailable++;
    else {
      counts.replied++;
      latencies.push((first ?? performance.now()) - sent);
    }
    return last;
  }

  async function converse(person: MockPerson, contact: number): Promise<void> {
    for (let cycle = 0; performance.now() < end; cycle++) {
      const answers: Record<keyof typeof questions, string> = {
        name: `${surnames[(contact + cycle) % surnames.length]}${givenNames[cycle % givenNames.length]}`,
        phone: `139 ${String(contact).padStart(4, "0")} ${String(cycle % 10_000).padStart(4, "0")}`,
        place: places[(contact + cycle) % places.length]!,
      };
      let sent = reports[(contact + cycle) % reports.length]!;
      let reply = await turn(person, sent);
      while (reply !== null) {
        if (reply.startsWith(acknowledgement)) {
          const number = /\d{4}-\d{6,}/.exec(reply)?.[0];
          if (!number) unexpected(sent, reply);
          else {
            counts.cases++;
            acknowledgedNumbers.push(number);
            const status = await turn(person, "查进度");
            if (status !== null && !status.startsWith(head("bot.status.header", { number }))) unexpected("查进度", status);
          }
          break;
        }
        const asked = (Object.keys(questions) as (keyof typeof questions)[]).find((q) => questions[q].includes(reply!));
        if (asked) sent = answers[asked];
        else if (reply.startsWith(readBack)) sent = confirm;
        else {
          if (reply !== unavailable) unexpected(sent, reply);
          // Back to no conversation, so the next report starts a fresh one.
          await turn(person, "取消");
          break;
        }
        reply = await turn(person, sent);
      }
    }
  }

  await Promise.race([Promise.all(people.map((person, i) => converse(person, i))), giveUp]);
  const seconds = (performance.now() - begin) / 1000;
  // The push socket closed and Wechaty stopped, so the server sees the bot leave; a stop that hangs does not hold the bench.
  await Promise.race([wechat.stop(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  return {
    ...summarise(latencies, seconds),
    statuses: counts,
    // The bot's own errors are not added: a failed relay is already counted as "unavailable".
    errors: timeouts + counts.unavailable + counts.unexpected,
    timeouts,
    acknowledgedNumbers,
  };
}

process.on("message", (raw: unknown) => void onMessage(raw));

async function onMessage(raw: unknown): Promise<void> {
  const result = await run(raw as BotLoadSpec);
  process.send?.({ type: "result", result }, () => process.exit(0));
}
process.send?.({ type: "ready" });
