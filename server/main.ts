import crypto from "node:crypto";
import closeWithGrace from "close-with-grace";
import { loadBotConfig } from "../bot/config.ts";
import type { RunningBot } from "../bot/wechaty-bot.ts";
import { buildApp } from "./app.ts";
import { loadConfig, ProductionConfigError } from "./config.ts";
import { demoPassword, demoStaff } from "./demo/demo-county.ts";

// With BOT_PUPPET set the WeChat bot runs in this process too. It (and the demo's chat simulator) needs a
// service key: made up for this run when BOT_KEY is not given, so only this process knows it.
const withBot = !!process.env.BOT_PUPPET;
const config = loadConfig(process.env, process.env.BOT_KEY ? {} : { botKey: crypto.randomBytes(24).toString("base64url") });
const app = await buildApp(config).catch((error: unknown) => {
  // A refused production start says what to change, without a stack trace in the way.
  if (error instanceof ProductionConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
});
let bot: RunningBot | null = null;

// SIGTERM/SIGINT: stop taking requests, finish those in flight, close the database.
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  await bot?.stop();
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
const base = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${(app.server.address() as { port: number }).port}`;
const demo = (await app.services.db.prisma.staffAccount.count({ where: { username: { in: demoStaff.map((s) => s.username) } } })) > 0;
const lines = [
  "",
  "防返贫监测与社会救助申报 — server is up",
  `  Staff console   ${base}/console/`,
  `  Case status     ${base}/status   (residents follow their cases in a browser)`,
  `  API             ${base}/api`,
  `  API docs        ${base}/docs`,
  `  OpenAPI (JSON)  ${base}/docs/json`,
  `  Health          ${base}/health/ready`,
  `  Database        ${app.services.db.kind === "embedded" ? `embedded PostgreSQL in ${config.dataDir}/pglite` : "PostgreSQL server (DATABASE_URL)"}`,
  `  Files           ${config.s3Bucket ? `object storage s3://${config.s3Bucket}/${config.s3Prefix}` : `${config.dataDir}/attachments and ${config.dataDir}/screening`}`,
];
if (demo) {
  lines.push(`  Demo staff logins (password "${demoPassword}"): POST ${base}/api/auth/staff/login`);
  for (const s of demoStaff) lines.push(`    ${s.username.padEnd(18)} ${s.role.padEnd(12)} ${s.displayName}`);
  lines.push(`  Demo resident: POST ${base}/api/auth/wechat/login with {"code":"dev:demo"}`);
}
if (app.hasRoute({ method: "GET", url: "/simulator" }))
  lines.push(`  Chat simulator  ${base}/simulator   (the WeChat bot in a web page, no WeChat needed)`);
if (withBot) {
  const botConfig = loadBotConfig({ ...process.env, BOT_SERVER_URL: base, BOT_KEY: config.botKey });
  // Loaded only here: Wechaty costs ~50 MB of memory a server without the bot should not carry.
  const { buildWechaty, startBot } = await import("../bot/wechaty-bot.ts");
  bot = await startBot(buildWechaty(botConfig), botConfig, {
    info: (message) => app.log.info(message),
    error: (message, error) => app.log.error({ err: error }, message),
  });
  lines.push(`  WeChat bot      started with ${botConfig.puppet} (scan the QR code link in the log to log in)`);
} else {
  lines.push("  WeChat bot      not started (set BOT_PUPPET, e.g. wechaty-puppet-service with BOT_PUPPET_TOKEN; or run npm run bot:chat)");
}
console.log(lines.join("\n"));
