import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffRoleSchema, type StaffRole, ledgerIds } from "../../../../server/core/vocabulary.ts";
import { seesHealth } from "../../../../server/core/personal-data-policy.ts";
import { zhCN } from "../../../../server/core/i18n/locales/zh-CN.ts";
import { PersonalDataCipher, maskIdNumber } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber, demoStaff } from "../../../../server/demo/demo-county.ts";
import { sealedColumns } from "../../../../server/features/personal-data/key-rotation.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const applicantId = demoIdNumber("1958-04-04", 51);
const memberId = demoIdNumber("1985-10-10", 52);
const healthValues = ["CHRONIC_ILLNESS", "SERIOUS_ILLNESS", "DISABLED"];

/**
 * Walks the answers staff and residents read every day — queue, case detail,
 * tasks, ledgers, dashboards, lists — as every role, and the log lines they
 * leave, looking for any personal value in clear. Full values come only from
 * an audited reveal or a person's own data, which are tested on their own.
 */
describe(`no clear personal data in answers and logs (${testDatabaseKind})`, () => {
  let t: TestApp;
  const logLines: string[] = [];
  let clearValues: string[];
  let cases: { caseId: string; number: string }[];
  let resident: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({ logLevel: "info" }, { logStream: { write: (line: string) => void logLines.push(line) } });
    resident = await t.residentToken("exposed");
    const application = await t.submit(resident, {
      kind: "ASSISTANCE_APPLICATION",
      description: "家里有重病人,申请救助",
      applicantName: "冯长林",
      phone: "13544445555",
      idNumber: applicantId,
      regionCode: "990101001001",
      bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217995510006667778" },
      household: {
        members: [
          { name: "冯长林", relation: "HEAD", idNumber: applicantId, birthYear: 1958, labourCapacity: "NONE", health: "SERIOUS_ILLNESS" },
          { name: "冯小林", relation: "CHILD", idNumber: memberId, birthYear: 1985, labourCapacity: "FULL", health: "HEALTHY" },
        ],
        incomes: [{ source: "TRANSFER", amount: 3000, productionCost: 0 }],
        expenses: [{ kind: "MEDICAL", amount: 20000 }],
      },
    });
    expect(application.statusCode).toBe(201);
    // A case about a household on record, whose members' health is on file.
    const prisma = t.database.db.prisma;
    const household = await prisma.household.findFirstOrThrow({
      where: { region: { code: { startsWith: "990101001001" } }, members: { some: { health: { not: "HEALTHY" } } } },
    });
    const grid = await t.staffToken("grid-shimen");
    const forwarded = await t.submit(grid, {
      description: "网格员代报:家里有人生病住院",
      householdId: household.id,
      phone: "13544446666",
      onBehalf: { confirmationMethod: "VERBAL_WITNESSED" },
    });
    expect(forwarded.statusCode).toBe(201);
    cases = [application.json(), forwarded.json()];
    // A need dispatched to the health insurance department, so that its list has the case on it.
    await prisma.departmentAssignment.create({
      data: {
        caseId: cases[0]!.caseId,
        department: "HEALTH_INSURANCE",
        riskType: "ILLNESS",
        measure: "大病保险倾斜支付",
        regionPath: "990101/",
      },
    });

    // Every personal value the database holds, in clear: none may reach an ordinary answer or a log line.
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    const values = new Set<string>();
    for (const { table, columns } of sealedColumns) {
      for (const { sealed } of columns) {
        const rows = await prisma.$queryRawUnsafe<{ v: string }[]>(
          `SELECT "${sealed}" AS "v" FROM "${table}" WHERE "${sealed}" IS NOT NULL`,
        );
        for (const { v } of rows) {
          const plain = cipher.decrypt(v);
          if (sealed === "declaredHouseholdEnc") {
            for (const m of JSON.parse(plain).members) if (m.idNumber) values.add(m.idNumber);
          } else if (plain) values.add(plain);
        }
      }
    }
    clearValues = [...values];
    expect(clearValues).toEqual(expect.arrayContaining(["13544445555", applicantId, memberId, "6217995510006667778", "13544446666"]));
  });
  afterAll(() => t.close());

  /** The answers of one caller: each URL with its body as text. */
  async function walk(token: string): Promise<{ url: string; status: number; body: string }[]> {
    const urls = [
      "/api/staff/cases",
      `/api/staff/cases?q=${applicantId}`,
      `/api/staff/cases?q=${memberId}`,
      "/api/staff/cases/forwarded",
      ...cases.flatMap((c) => [
        `/api/staff/cases/${c.caseId}`,
        `/api/staff/cases/${c.caseId}/tasks`,
        `/api/audit/cases/${c.caseId}/trace`,
        `/api/audit/cases/${c.caseId}/trace?format=csv`,
      ]),
      "/api/staff/tasks",
      "/api/staff/tasks?view=escalated",
      "/api/staff/dashboard",
      "/api/staff/risk-events",
      "/api/staff/screening/imports",
      ...ledgerIds.map((id) => `/api/staff/ledgers/${id}?format=csv`),
      "/api/department/assignments",
      `/api/households?q=${memberId}`,
      "/api/households?q=冯",
      "/api/publicity/990101001001",
      "/api/audit/access-log",
      "/api/me/cases",
      ...cases.map((c) => `/api/me/cases/${c.number}`),
    ];
    const answers = [];
    for (const url of urls) {
      const response = await t.app.inject({ method: "GET", url, headers: auth(token) });
      answers.push({ url, status: response.statusCode, body: response.body });
    }
    const lookup = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      payload: { number: cases[0]!.number, phoneLast4: "5555" },
    });
    answers.push({ url: "/api/public/case-status", status: lookup.statusCode, body: lookup.body });
    return answers;
  }

  const roles = staffRoleSchema.options;
  it.each(roles)(
    "%s reads no phone, ID number or bank account in clear, and health only where its work needs it",
    async (role: StaffRole) => {
      const username = demoStaff.find((s) => s.role === role)!.username;
      const answers = await walk(await t.staffToken(username));
      // Something of the role's own was read (beside the public look-up): the walk is not a row of refusals.
      expect(answers.filter((a) => a.status === 200 && a.url !== "/api/public/case-status").length, role).toBeGreaterThan(0);
      for (const answer of answers) {
        for (const value of clearValues) expect(answer.body.includes(value), `${role} ${answer.url} shows ${value}`).toBe(false);
        if (!seesHealth(role)) {
          for (const value of healthValues) expect(answer.body.includes(`"${value}"`), `${role} ${answer.url} shows ${value}`).toBe(false);
          if (answer.url.startsWith("/api/staff/ledgers/") && answer.status === 200) {
            expect(answer.body).not.toContain(zhCN.ledgers.householdColumns.healthFacts);
            expect(answer.body).not.toContain(zhCN.ledgers.columns.riskTypes);
          }
        }
      }
      if (seesHealth(role)) {
        // The desks that assess need do see it (the same walk, so the check above can fail).
        const detail = answers.find((a) => a.url === `/api/staff/cases/${cases[0]!.caseId}`)!;
        expect(detail.body).toContain('"SERIOUS_ILLNESS"');
      }
    },
  );

  it("a resident reads no clear value in the answers of their cases either", async () => {
    for (const answer of await walk(resident)) {
      for (const value of clearValues) expect(answer.body.includes(value), `${answer.url} shows ${value}`).toBe(false);
    }
  });

  it("no log line carries a clear value, though staff searched by full ID number", async () => {
    const log = logLines.join("");
    expect(log).toContain(`q=${maskIdNumber(applicantId)}`);
    for (const value of clearValues) expect(log.includes(value), `the log shows ${value}`).toBe(false);
  });
});
