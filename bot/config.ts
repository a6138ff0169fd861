import { z } from "zod";

/** The bot process's settings (environment variables); README's configuration table lists them. */
export const botConfigSchema = z.object({
  /** Where the server's API is. */
  serverUrl: z.url().default("http://127.0.0.1:3000"),
  /** The server's BOT_KEY. */
  botKey: z.string().min(1, { error: "BOT_KEY is required: the same value the server runs with" }),
  /** Any Wechaty puppet by package name, e.g. wechaty-puppet-service (with a token) or wechaty-puppet-wechat4u. */
  puppet: z.string().min(1, { error: "BOT_PUPPET is required, e.g. wechaty-puppet-service" }),
  /** The puppet's token, when it needs one (puppet services do). */
  puppetToken: z.string().default(""),
  /** Wechaty's session name: a restarted bot logs back in with it where the puppet supports that. */
  name: z.string().default("fanpin-bot"),
});
export type BotConfig = z.infer<typeof botConfigSchema>;

export function loadBotConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<BotConfig> = {}): BotConfig {
  const pick = (name: string) => (env[name] === "" ? undefined : env[name]);
  return botConfigSchema.parse({
    serverUrl: pick("BOT_SERVER_URL"),
    botKey: pick("BOT_KEY"),
    puppet: pick("BOT_PUPPET"),
    puppetToken: pick("BOT_PUPPET_TOKEN"),
    name: pick("BOT_NAME"),
    ...overrides,
  });
}
