import closeWithGrace from "close-with-grace";
import { loadBotConfig } from "./config.ts";
import { buildWechaty, startBot } from "./wechaty-bot.ts";

const config = loadBotConfig();
const bot = await startBot(buildWechaty(config), config, {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : (error ?? "")),
});
console.log(`bot started with ${config.puppet}, relaying to ${config.serverUrl}`);
closeWithGrace({ delay: 10_000 }, async () => bot.stop());
