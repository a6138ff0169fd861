import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { demoPassword, demoStaff } from "./seed/demo-county.ts";

const config = loadConfig();
const app = await buildApp(config);

// SIGTERM/SIGINT: stop taking requests, finish those in flight, close the database.
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
const base = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${(app.server.address() as { port: number }).port}`;
const demo = (await app.services.db.prisma.staffAccount.count({ where: { username: { in: demoStaff.map((s) => s.username) } } })) > 0;
const lines = [
  "",
  "防返贫监测与社会救助申报 — server is up",
  `  API             ${base}/api`,
  `  API docs        ${base}/docs`,
  `  OpenAPI (JSON)  ${base}/docs/json`,
  `  Health          ${base}/health/ready`,
  `  Database        ${app.services.db.kind === "embedded" ? `embedded PostgreSQL in ${config.dataDir}/pglite` : "PostgreSQL server (DATABASE_URL)"}`,
];
if (demo) {
  lines.push(`  Demo staff logins (password "${demoPassword}"): POST ${base}/api/auth/staff/login`);
  for (const s of demoStaff) lines.push(`    ${s.username.padEnd(18)} ${s.role.padEnd(12)} ${s.displayName}`);
  lines.push(`  Demo resident: POST ${base}/api/auth/wechat/login with {"code":"dev:demo"}`);
}
console.log(lines.join("\n"));
