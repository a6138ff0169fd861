// npm run calendar:load -- --file <year.json> [--note <text>] [--by <name>]: loads a year's official holiday
// arrangement ({"year": 2027, "holidays": [...], "makeupWorkdays": [...]}, ISO dates) as its next version and
// counts every open deadline again on it. Beside running servers on PostgreSQL they take it up at once; the
// embedded database must be stopped first (one process at a time) and applies it when it starts again.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { calendarLoadRequestSchema } from "../features/calendar/calendar-schemas.ts";
import { loadConfig } from "../config.ts";
import { WorkingDayCalendar } from "../core/calendar/working-days.ts";
import { describeIssue } from "../core/i18n/describe-issue.ts";
import { CalendarService } from "../features/calendar/calendar-service.ts";
import { CaseNotifier } from "../platform/case-notifier.ts";
import { DeadlineRefresh } from "../features/calendar/deadline-refresh.ts";
import { WorkflowRegistry } from "../features/workflow/workflow-registry.ts";
import { openDatabase } from "../platform/database/database.ts";

const usage = "usage: npm run calendar:load -- --file <year.json> [--note <text>] [--by <name>]";
let options: { file?: string; note?: string; by?: string };
try {
  options = parseArgs({ options: { file: { type: "string" }, note: { type: "string" }, by: { type: "string" } } }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (!options.file) {
  console.error(usage);
  process.exit(2);
}
let json: unknown;
try {
  json = JSON.parse(fs.readFileSync(options.file, "utf8"));
} catch (error) {
  console.error(`${options.file}: ${(error as Error).message}`);
  process.exit(2);
}
const parsed = calendarLoadRequestSchema.safeParse({ ...(json as object), ...(options.note ? { note: options.note } : {}) });
if (!parsed.success) {
  for (const issue of parsed.error.issues) {
    const { path: where, message } = describeIssue(issue, "zh-CN");
    console.error(`${where}: ${message}`);
  }
  process.exit(1);
}

const config = loadConfig();
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
const log = {
  info: () => undefined,
  warn: (_d: object, message: string) => console.warn(message),
  error: (d: object, message: string) => console.error(message, d),
};
try {
  await db.migrate();
  const notifier = new CaseNotifier(db, log);
  const deps = { prisma: db.prisma, calendar: new WorkingDayCalendar(), now: () => new Date(), notifier };
  const calendars = new CalendarService(deps, new DeadlineRefresh(deps, new WorkflowRegistry(db.prisma)), log);
  await calendars.start([]);
  const result = await calendars.load(parsed.data, { id: null, name: options.by ?? os.userInfo().username, source: "CLI" });
  await notifier.flushed();
  console.log(JSON.stringify(result));
  console.log(
    result.created
      ? `${result.year}: version ${result.version} is in force; ${result.recount.changed} case(s) had deadlines counted again (${result.recount.moved} moved, ${result.recount.set} set).`
      : `${result.year}: the same days are already in force (version ${result.version}); nothing new was stored.`,
  );
} finally {
  await db.close();
}
