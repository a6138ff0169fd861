import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../server/app.ts";
import type { AppInstance } from "../../server/app-instance.ts";
import { loadConfig } from "../../server/config.ts";
import { generateKey } from "../../server/core/personal-data.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../helpers/test-database.ts";
import { idNumberOf, multipartFile, nationalExportXlsx, type Village } from "../helpers/national-export-sheet.ts";
import { readXlsx } from "../helpers/spreadsheets.ts";

/**
 * A real county goes live, as the README's "Going live" walks it: production settings on an empty database,
 * the first administrator from the command line, the county's places from the bundled dataset, its staff and
 * its monitored households from spreadsheets, then the first report for an imported household, a department's
 * screening file matched against them, and their export read back unchanged.
 */

const root = path.resolve(import.meta.dirname, "../..");
const countyCode = "433124";
const adminPassword = "Huayuan-County-2027";
const households = 20_000;

function liveEnv(dataDir: string, databaseUrl: string, keys: { data: string; lookup: string; token: string }): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    WECHAT_PROVIDER: "wechat",
    WECHAT_APP_ID: "wx0123456789abcdef",
    WECHAT_APP_SECRET: "secret",
    WECHAT_API_BASE: "http://127.0.0.1:9",
    SEED_DEMO: "false",
    SIMULATOR: "false",
    DATA_KEYS: `k1:${keys.data}`,
    LOOKUP_KEY: keys.lookup,
    TOKEN_SECRET: keys.token,
    LOG_LEVEL: "silent",
    OVERDUE_SCAN_SECONDS: "0",
    REMINDER_SCAN_SECONDS: "0",
    CONVERSATION_SCAN_SECONDS: "0",
    NOTICE_SCAN_SECONDS: "0",
    RETENTION_SCAN_HOURS: "0",
    CALENDAR_CHECK_HOURS: "0",
  };
}

function adminCreate(env: NodeJS.ProcessEnv, password: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "server/cli/admin-create.ts", "--username", "it-admin", "--county", countyCode, "--name", "县信息中心 管理员"],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

describe(`a real county goes live (${testDatabaseKind})`, () => {
  let database: TestDatabase | null = null;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let app: AppInstance;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-go-live-"));
    if (testDatabaseKind === "postgres") database = await createTestDatabase();
    env = liveEnv(dataDir, database?.url ?? "", { data: generateKey(), lookup: generateKey(), token: generateKey() });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = async (username: string, password: string) =>
    app.inject({ method: "POST", url: "/api/auth/staff/login", payload: { username, password } });
  /** Logs in with a one-time password and sets a new one, as the console makes them; answers the new session's token. */
  const firstLogin = async (username: string, temporary: string) => {
    const answer = (await login(username, temporary)).json();
    expect(answer.mustChangePassword).toBe(true);
    const blocked = await app.inject({ method: "GET", url: "/api/staff/tasks", headers: auth(answer.token) });
    expect(blocked.json().code).toBe("PASSWORD_CHANGE_REQUIRED");
    const changed = await app.inject({
      method: "POST",
      url: "/api/auth/staff/password",
      headers: auth(answer.token),
      payload: { currentPassword: temporary, newPassword: `Qingshan-${username.length}-Spring-2027` },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    return changed.json().token as string;
  };

  it(
    `from an empty database to the first report for a household of the national system's export (${households} households)`,
    { timeout: 900_000 },
    async () => {
      // 1. The first administrator, on an empty database in production mode.
      const made = await adminCreate(env, adminPassword);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toContain("花垣县");
      const config = loadConfig(env);
      expect(config.production).toBe(true);
      app = await buildApp(config);
      await app.ready();

      // Nothing of development is left open.
      expect((await app.inject({ method: "POST", url: "/api/auth/wechat/login", payload: { code: "dev:anyone" } })).statusCode).not.toBe(
        200,
      );
      expect((await app.inject({ method: "GET", url: "/simulator" })).statusCode).toBe(404);
      expect((await login("county", "demo1234")).statusCode).toBe(401);
      const admin = (await login("it-admin", adminPassword)).json();
      expect(admin.mustChangePassword).toBe(false);

      // 2. The county's places from the bundled dataset.
      const places = await app.inject({
        method: "POST",
        url: "/api/admin/regions/dataset-imports",
        headers: auth(admin.token),
        payload: { countyCode },
      });
      expect(places.statusCode, places.body).toBe(200);
      const prisma = app.services.db.prisma;
      const townships = await prisma.region.findMany({
        where: { level: "TOWNSHIP", path: { startsWith: `${countyCode}/` } },
        orderBy: { code: "asc" },
      });
      const villageRows = await prisma.region.findMany({
        where: { level: "VILLAGE", path: { startsWith: `${countyCode}/` } },
        orderBy: { code: "asc" },
      });
      expect(townships).toHaveLength(12);
      expect(villageRows.length).toBeGreaterThanOrEqual(200);
      const townshipName = new Map(townships.map((t) => [t.id, t.name]));
      const villages: Village[] = villageRows.map((v) => ({ code: v.code, township: townshipName.get(v.parentId!)!, name: v.name }));

      // This year's and last year's monitoring income standard: none applies until the administrator sets the province's.
      const standards = async () =>
        (await app.inject({ method: "GET", url: "/api/admin/monitoring-standards", headers: auth(admin.token) })).json() as {
          missingYears: number[];
        };
      const missing = (await standards()).missingYears;
      expect(missing).toHaveLength(2);
      for (const year of missing) {
        const set = await app.inject({
          method: "POST",
          url: "/api/admin/monitoring-standards",
          headers: auth(admin.token),
          payload: {
            year,
            regionCode: "43",
            incomeLine: 7800 + 200 * (year - missing[0]!),
            yellowMultiple: 1.5,
            reason: "湖南省防止返贫监测标准",
          },
        });
        expect(set.statusCode, set.body).toBe(200);
      }
      expect((await standards()).missingYears).toEqual([]);

      // A group for the grid worker, by hand.
      const firstVillage = villages[0]!;
      const group = await app.inject({
        method: "POST",
        url: "/api/admin/regions/groups",
        headers: auth(admin.token),
        payload: { villageCode: firstVillage.code, name: "一组" },
      });
      expect(group.statusCode, group.body).toBe(201);
      const groupCode = group.json().code as string;

      // 3. Fifty staff from a spreadsheet.
      const staffRows = [
        ["county-office", "县防返贫办 田主任", "县级", countyCode, "13700000001", ""],
        ["county-health", "县医保局 龙科长", "部门", countyCode, "13700000002", "HEALTH_INSURANCE"],
        ...townships.map((t, i) => [`town-${i + 1}`, `${t.name} 干事`, "乡镇", t.code, `1370000${String(100 + i).padStart(4, "0")}`, ""]),
        ...villageRows.slice(0, 30).map((v, i) => [`village-${i + 1}`, `${v.name} 村干部`, "村", v.code, "", ""]),
        ...Array.from({ length: 6 }, (_, i) => [
          `grid-${i + 1}`,
          `网格员 ${i + 1}`,
          "网格员",
          i === 0 ? groupCode : villageRows[i]!.code,
          "",
          "",
        ]),
      ];
      expect(staffRows).toHaveLength(50);
      const staffSheet = ["用户名,姓名,角色,地区代码,电话,部门", ...staffRows.map((r) => r.join(","))].join("\r\n");
      const staffFile = multipartFile("工作人员.csv", Buffer.from(staffSheet), "text/csv");
      const staffImport = await app.inject({
        method: "POST",
        url: "/api/admin/staff-imports",
        headers: { ...auth(admin.token), ...staffFile.headers },
        payload: staffFile.payload,
      });
      expect(staffImport.statusCode, staffImport.body).toBe(200);
      expect(staffImport.json()).toMatchObject({ rowsTotal: 50, created: 50, errors: 0 });
      const temporary = new Map<string, string>(
        staffImport.json().rows.map((r: { username: string; temporaryPassword: string }) => [r.username, r.temporaryPassword]),
      );

      // 4. The county office logs in, must change its password, then imports the national system's export.
      const county = await firstLogin("county-office", temporary.get("county-office")!);
      const { bytes, rows } = await nationalExportXlsx({ villages, households, badEvery: 500, seed: 2027, incomeYear: 2025 });
      const exportFile = multipartFile("监测对象信息.xlsx", bytes);
      const uploaded = await app.inject({
        method: "POST",
        url: "/api/admin/household-imports",
        headers: { ...auth(county), ...exportFile.headers },
        payload: exportFile.payload,
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
      const started = Date.now();
      const run = await app.inject({
        method: "POST",
        url: `/api/admin/household-imports/${uploaded.json().importId}/run`,
        headers: auth(county),
        payload: { mapping: uploaded.json().suggestedMapping },
      });
      expect(run.statusCode, run.body).toBe(202);
      const jobId = run.json().jobId as string;
      // Other requests keep answering while it runs.
      let answeredWhileRunning = 0;
      let job;
      for (;;) {
        job = (await app.inject({ method: "GET", url: `/api/jobs/${jobId}`, headers: auth(county) })).json();
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.status)) break;
        const other = await app.inject({ method: "GET", url: "/api/staff/tasks", headers: auth(county) });
        if (other.statusCode === 200 && job.status === "RUNNING") answeredWhileRunning++;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(`${testDatabaseKind}: ${households} households (${rows.length} rows) imported in ${seconds.toFixed(1)} s`);
      expect(job.status, JSON.stringify(job)).toBe("SUCCEEDED");
      expect(answeredWhileRunning).toBeGreaterThan(0);
      const held = new Set(rows.filter((r) => r.bad).map((r) => r.householdNumber));
      const detail = (
        await app.inject({ method: "GET", url: `/api/admin/household-imports/${uploaded.json().importId}`, headers: auth(county) })
      ).json();
      expect(detail.import.counts).toEqual({
        rows: rows.length,
        errorRows: held.size,
        created: households - held.size,
        updated: 0,
        unchanged: 0,
        refused: held.size,
      });
      expect(await prisma.household.count()).toBe(households - held.size);
      expect(await prisma.householdMember.count()).toBe(rows.filter((r) => !held.has(r.householdNumber)).length);

      // 5. A grid worker files for an imported household of their village; the case lands there.
      const grid = await firstLogin("grid-1", temporary.get("grid-1")!);
      const visited = rows.find((r) => r.village.code === firstVillage.code && !held.has(r.householdNumber) && r.relation === "户主")!;
      const found = await app.inject({ method: "GET", url: `/api/households?q=${visited.householdNumber}`, headers: auth(grid) });
      expect(found.json().items).toHaveLength(1);
      const filed = await app.inject({
        method: "POST",
        url: "/api/cases",
        headers: { ...auth(grid), "idempotency-key": "go-live-first-report" },
        payload: {
          description: "户主突发脑梗住院,花了三万多,家里没有劳力了",
          applicantName: visited.name,
          phone: "13912345678",
          householdId: found.json().items[0].id,
          consent: { personalInformation: true },
          onBehalf: { confirmationMethod: "VERBAL_WITNESSED" },
        },
      });
      expect(filed.statusCode, filed.body).toBe(201);
      expect(filed.json().routedTo).toMatchObject({ regionCode: firstVillage.code, triage: false });

      // 6. The health insurance bureau's file: its patients are matched to the imported households.
      const patients = rows.filter((r) => !held.has(r.householdNumber)).slice(100, 110);
      const screeningSheet = [
        "身份证号,姓名,个人自付金额,医疗总费用",
        ...patients.map((p) => `${p.idNumber},${p.name},23000,41000`),
        `${idNumberOf("110101", "19900101", 123)},外地人,500,900`,
      ].join("\r\n");
      const screeningFile = multipartFile("医保.csv", Buffer.from(screeningSheet), "text/csv");
      const screening = await app.inject({
        method: "POST",
        url: "/api/staff/screening/imports?department=HEALTH_INSURANCE&period=2026Q4",
        headers: { ...auth(county), ...screeningFile.headers },
        payload: screeningFile.payload,
      });
      expect(screening.statusCode, screening.body).toBe(201);
      const ran = await app.inject({
        method: "POST",
        url: `/api/staff/screening/imports/${screening.json().importId}/run`,
        headers: auth(county),
        payload: { mapping: screening.json().suggestedMapping },
      });
      expect(ran.statusCode, ran.body).toBe(200);
      // One lead a household, at its village.
      expect(await prisma.case.count({ where: { channel: "DEPARTMENT_SCREENING" } })).toBe(
        new Set(patients.map((p) => p.householdNumber)).size,
      );
      expect(ran.json().import.counts, JSON.stringify(ran.json().rows.items.slice(0, 12))).toMatchObject({
        LEAD_CREATED: patients.length,
        NO_MATCH: 1,
        ERROR: 0,
      });

      // 7. The export in the national layout reads back without a change.
      const exported = await app.inject({ method: "GET", url: "/api/admin/household-exports?format=xlsx", headers: auth(county) });
      expect(exported.statusCode).toBe(200);
      const sheet = await readXlsx(exported.rawPayload);
      expect(sheet.length - 1).toBe(rows.filter((r) => !held.has(r.householdNumber)).length);
      const again = multipartFile("导出.xlsx", exported.rawPayload);
      const reupload = await app.inject({
        method: "POST",
        url: "/api/admin/household-imports",
        headers: { ...auth(county), ...again.headers },
        payload: again.payload,
      });
      const rerun = await app.inject({
        method: "POST",
        url: `/api/admin/household-imports/${reupload.json().importId}/run`,
        headers: auth(county),
        payload: { mapping: reupload.json().suggestedMapping },
      });
      for (;;) {
        job = (await app.inject({ method: "GET", url: `/api/jobs/${rerun.json().jobId}`, headers: auth(county) })).json();
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(job.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const roundTrip = (
        await app.inject({ method: "GET", url: `/api/admin/household-imports/${reupload.json().importId}`, headers: auth(county) })
      ).json();
      expect(roundTrip.import.counts).toMatchObject({
        errorRows: 0,
        created: 0,
        updated: 0,
        refused: 0,
        unchanged: households - held.size,
      });
    },
  );
});
