// npm run bot:chat: talk to the WeChat bot in a terminal, without WeChat. The real bot runs on
// Wechaty's mock puppet against the real server (in memory with the demo county unless DATABASE_URL
// is set). "/photo <file>" sends a file; "/as grid" speaks as the demo grid worker, "/as me" as yourself.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { translator } from "../server/core/i18n/i18n.ts";
import { demoGridWorkerWechatId, startSimulation } from "./simulation.ts";

const simulation = await startSimulation();
const me = simulation.wechat.person(`terminal-${process.env.USER ?? "user"}`, "你");
const gridWorker = simulation.wechat.person(demoGridWorkerWechatId, "网格员");
let speaker = me;
const interactive = process.stdin.isTTY;
const t = translator("zh-CN");
const show = (text: string) => process.stdout.write(`${t("bot.terminal.bot")}> ${text.replaceAll("\n", "\n       ")}\n`);

show(`${t("bot.greeting")}${t("bot.menu")}`);
const lines = readline.createInterface({
  input: process.stdin,
  output: interactive ? process.stdout : undefined,
  prompt: `${t("bot.terminal.you")}> `,
  terminal: interactive,
});
if (interactive) lines.prompt();
for await (const line of lines) {
  const text = line.trim();
  if (!text) continue;
  if (!interactive) process.stdout.write(`${t("bot.terminal.you")}> ${text}\n`);
  if (text === "/as grid" || text === "/as me") {
    speaker = text === "/as grid" ? gridWorker : me;
  } else if (text.startsWith("/photo ")) {
    const file = path.resolve(text.slice("/photo ".length).trim());
    if (fs.existsSync(file)) for (const reply of await speaker.send(fs.readFileSync(file), path.basename(file))) show(reply);
    else show(t("errors.FILE_MISSING"));
  } else {
    for (const reply of await speaker.say(text)) show(reply);
  }
  if (interactive) lines.prompt();
}
await simulation.stop();
