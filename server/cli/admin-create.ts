// npm run admin:create -- --username <name> [--county <6-digit code>] [--name <display name>] [--county-name <name>]
// The first administrator of a county's server, on an empty database too (production mode included): the password
// is read from standard input — asked twice when typed at a terminal, one line when piped. On an empty database
// the county itself is created (its name from the bundled division dataset, or --county-name); its townships and
// villages are imported afterwards (npm run import:regions, or the console).
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../platform/database/database.ts";
import { hashPassword } from "../features/auth/auth-service.ts";
import { passwordProblem } from "../features/auth/password-policy.ts";
import { usernameSchema } from "../features/staff/staff-schemas.ts";
import { countyName } from "../features/regions/china-divisions.ts";
import { translator } from "../core/i18n/i18n.ts";

const usage =
  "usage: npm run admin:create -- --username <name> [--county <6-digit county code>, on an empty database] [--name <display name>] [--county-name <name>]";
const t = translator("zh-CN");
const fail = (message: string, code = 1): never => {
  console.error(message);
  process.exit(code);
};

let options: { username?: string; county?: string; name?: string; "county-name"?: string };
try {
  options = parseArgs({
    options: { username: { type: "string" }, county: { type: "string" }, name: { type: "string" }, "county-name": { type: "string" } },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
  throw error;
}
const username = usernameSchema.safeParse(options.username ?? "");
if (!username.success) fail(`--username: ${t("validation.username")}\n${usage}`, 2);
if (options.county !== undefined && !/^\d{6}$/.test(options.county)) fail(`--county: a 6-digit county code, e.g. 433124\n${usage}`, 2);

/** One line from standard input; at a terminal, typed without echo. */
async function askPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const lines = readline.createInterface({ input });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    return "";
  }
  process.stdout.write(prompt);
  input.setRawMode(true);
  input.resume();
  let typed = "";
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") {
          input.setRawMode(false);
          input.pause();
          input.off("data", onData);
          process.stdout.write("\n");
          return resolve(typed);
        }
        if (char === "\u0003") process.exit(130);
        if (char === "\u007f") typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on("data", onData);
  });
}

const password = await askPassword("密码 (password): ");
if (process.stdin.isTTY && (await askPassword("再输一遍 (again): ")) !== password) fail("两次输入的密码不一样 (the passwords differ).");
const problem = passwordProblem(password, username.data!);
if (problem) fail(t(`errors.${problem.code}`, problem.params));

const config = loadConfig();
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
try {
  await db.migrate();
  const { prisma } = db;
  const operator = `命令行 (${os.userInfo().username})`;
  const result = await prisma.$transaction(async (tx) => {
    // Without --county: the county this database already serves (a second administrator).
    const county = options.county ?? (await tx.region.findFirst({ where: { parentId: null, level: "COUNTY" } }))?.code;
    if (!county) return { error: `This database serves no county yet: give its 6-digit code with --county.\n${usage}` };
    let region = await tx.region.findUnique({ where: { code: county } });
    if (!region) {
      const others = await tx.region.findFirst({ where: { parentId: null } });
      if (others) return { error: `This database already serves county ${others.code} (${others.name}), not ${county}.` };
      const name = options["county-name"] ?? (await countyName(county));
      if (!name) return { error: `County ${county} is not in the bundled division dataset: give its name with --county-name.` };
      region = await tx.region.create({ data: { code: county, name, level: "COUNTY", aliases: [], path: `${county}/` } });
    } else if (region.level !== "COUNTY") return { error: `${county} is not a county in this database.` };
    if (await tx.staffAccount.findUnique({ where: { username: username.data! } }))
      return { error: `The user name ${username.data!} is taken.` };
    const staff = await tx.staffAccount.create({
      data: {
        username: username.data!,
        displayName: options.name ?? "系统管理员",
        role: "ADMIN",
        regionId: region.id,
        passwordHash: await hashPassword(password),
        passwordChangedAt: new Date(),
      },
    });
    await tx.staffAdminEvent.create({
      data: {
        staffId: staff.id,
        action: "CREATED",
        actorName: operator,
        changes: { username: [null, staff.username], role: [null, "ADMIN"], region: [null, county] },
      },
    });
    return { staff, region };
  });
  if ("error" in result) fail(result.error!);
  else
    console.log(`administrator ${result.staff.username} created for ${result.region.name} (${result.region.code}); log in at /console/.`);
} finally {
  await db.close();
}
