// npm run db:seed: loads the demo county (青山县, its staff with the demo password, households and cases) into the
// configured database when it holds no places yet. Never in production mode, and never over a real county.
import { buildApp } from "../app.ts";
import { loadConfig } from "../config.ts";

const config = loadConfig();
if (config.production) {
  console.error("npm run db:seed loads demo staff with a known password: it is refused in production mode (NODE_ENV=production).");
  process.exit(1);
}
const app = await buildApp({
  ...config,
  seedDemo: "true",
  logLevel: "warn",
  overdueScanSeconds: 0,
  reminderScanSeconds: 0,
  conversationScanSeconds: 0,
  noticeScanSeconds: 0,
  retentionScanHours: 0,
  calendarCheckHours: 0,
});
try {
  const regions = await app.services.db.prisma.region.count();
  const demo = await app.services.db.prisma.staffAccount.count({ where: { username: "admin" } });
  console.log(
    regions > 0 && demo > 0
      ? `the demo county is in the database (${regions} places).`
      : "the database already holds places: nothing was loaded.",
  );
} finally {
  await app.close();
}
