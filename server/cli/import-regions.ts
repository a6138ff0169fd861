// npm run import:regions -- --county <6-digit code>   the county's townships and villages from the bundled dataset
// npm run import:regions -- --file <xlsx|csv>          places from a spreadsheet (代码, 名称, [上级代码, 别名, 联系电话, 并入])
// Runs as the county's first administrator (the county must exist: npm run admin:create). Beside running servers on
// PostgreSQL they reload the tree at once; the embedded database must be stopped first.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../platform/database/database.ts";
import { CaseNotifier } from "../platform/case-notifier.ts";
import { RegionDirectory } from "../platform/region-directory.ts";
import { RegionAdminService } from "../features/regions/region-admin-service.ts";

const usage = "usage: npm run import:regions -- --county <6-digit code> | --file <file.xlsx|file.csv>";
let options: { county?: string; file?: string };
try {
  options = parseArgs({ options: { county: { type: "string" }, file: { type: "string" } } }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (!options.county === !options.file) {
  console.error(usage);
  process.exit(2);
}
const config = loadConfig();
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
const log = {
  info: () => undefined,
  warn: (_d: object, m: string) => console.warn(m),
  error: (d: object, m: string) => console.error(m, d),
};
try {
  await db.migrate();
  const county = await db.prisma.region.findFirst({ where: { level: "COUNTY", parentId: null } });
  if (!county) throw new Error("No county yet: create the first administrator with npm run admin:create -- --county <code> first.");
  const notifier = new CaseNotifier(db, log);
  const service = new RegionAdminService({ prisma: db.prisma, regions: new RegionDirectory(db.prisma), now: () => new Date(), notifier });
  const actor = { id: null, name: `命令行 (${os.userInfo().username})`, role: "ADMIN" as const, regionPath: county.path };
  const result = options.county
    ? await service.importDataset(actor, options.county, "zh-CN")
    : await service.importSheet(actor, fs.readFileSync(options.file!), "zh-CN");
  await notifier.flushed();
  for (const row of result.rows.filter((r) => r.outcome === "ERROR"))
    console.error(`row ${row.rowNumber} ${row.code}: ${row.errors.map((e) => e.message).join("; ")}`);
  console.log(
    `${result.rowsTotal} places: ${result.created} created, ${result.renamed} renamed, ${result.updated} updated, ${result.merged} merged, ${result.unchanged} unchanged, ${result.errors} with problems.`,
  );
  if (result.errors > 0) process.exitCode = 1;
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
