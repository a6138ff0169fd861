// npm run bot:chat: talk to the bot's conversation in a terminal, without WeChat. It runs the same
// server-side conversation the WeChat bot relays to; with no DATABASE_URL it uses an in-memory demo county.
import crypto from "node:crypto";
import readline from "node:readline";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { translator } from "../server/i18n/i18n.ts";

const config = loadConfig(process.env, { logLevel: "silent", overdueScanSeconds: 0, ...(process.env.DATABASE_URL ? {} : { embeddedInMemory: true, seedDemo: "true" }) });
const app = await buildApp(config);
const sender = `terminal-${process.env.USER ?? "user"}`;
const interactive = process.stdin.isTTY;
const t = translator("zh-CN");
const say = (text: string) => process.stdout.write(`${t("bot.terminal.bot")}> ${text.replaceAll("\n", "\n       ")}\n`);

say(`${t("bot.greeting")}${t("bot.menu")}`);
const lines = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, prompt: `${t("bot.terminal.you")}> `, terminal: interactive });
if (interactive) lines.prompt();
for await (const line of lines) {
  if (!line.trim()) continue;
  if (!interactive) process.stdout.write(`${t("bot.terminal.you")}> ${line}\n`);
  const { replies } = await app.services.bot.handle({ messageId: crypto.randomUUID(), senderId: sender, text: line });
  for (const reply of replies) say(reply);
  if (interactive) lines.prompt();
}
await app.close();
