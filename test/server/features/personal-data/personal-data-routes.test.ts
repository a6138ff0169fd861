import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PersonalDataCipher } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const account = "6217995510004445556";
const applicantId = demoIdNumber("1962-08-08", 41);
const memberId = demoIdNumber("1990-01-09", 42);

describe(`personal data: bank accounts, reveal, exports (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;
  let application: { caseId: string; number: string };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const reveal = async (username: string, caseId: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: `/api/staff/cases/${caseId}/reveal`, headers: auth(await t.staffToken(username)), payload });
  const accessLog = (caseId: string) =>
    t.database.db.prisma.staffAccessLog.findMany({
      where: { caseId },
      orderBy: { id: "asc" },
      include: { staff: { select: { username: true } } },
    });

  beforeAll(async () => {
    t = await createTestApp();
    resident = await t.residentToken("payee");
    const response = await t.submit(resident, {
      kind: "ASSISTANCE_APPLICATION",
      description: "丈夫去世了,我一个人带两个孩子",
      applicantName: "孙桂芳",
      phone: "13566667777",
      idNumber: applicantId,
      regionCode: "990101001001",
      bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217 9955 1000 4445 556" },
      household: {
        members: [
          {
            name: "孙桂芳",
            relation: "HEAD",
            idNumber: applicantId,
            birthYear: 1962,
            labourCapacity: "PARTIAL",
            health: "CHRONIC_ILLNESS",
          },
          { name: "孙小军", relation: "CHILD", idNumber: memberId, birthYear: 1990, labourCapacity: "FULL", health: "HEALTHY" },
        ],
        incomes: [],
        expenses: [],
      },
    });
    expect(response.statusCode).toBe(201);
    application = response.json();
  });
  afterAll(() => t.close());

  it("keeps the payment account encrypted, with a lookup hash, and refuses one that is not an account number", async () => {
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: application.caseId } });
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    expect(stored.bankName).toBe("青山县农村信用合作联社");
    expect(stored.bankAccountEnc).not.toContain(account);
    expect(cipher.decrypt(stored.bankAccountEnc!)).toBe(account);
    expect(stored.bankAccountHash).toBe(cipher.lookupHash(account));

    const refused = await t.submit(
      resident,
      { description: "需要救助的情况说明", regionCode: "990101001001", bankAccount: { bankName: "农", accountNumber: "6217-abc" } },
      undefined,
    );
    expect(refused.statusCode).toBe(400);
    expect(
      refused
        .json()
        .fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(["bankAccount.accountNumber", "bankAccount.bankName"]);
    expect(refused.json().fields.find((f: { path: string }) => f.path === "bankAccount.accountNumber").message).toContain("银行账号不正确");
  });

  it("shows the account masked to the desks, with the other cases of their region naming the same account", async () => {
    const second = (
      await t.submit(await t.residentToken("payee-2"), {
        kind: "ASSISTANCE_APPLICATION",
        description: "家里困难申请救助",
        regionCode: "990101001001",
        bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: account },
      })
    ).json();
    const detail = (
      await t.app.inject({ method: "GET", url: `/api/staff/cases/${second.caseId}`, headers: auth(await t.staffToken("village-shimen")) })
    ).json();
    expect(detail.bankAccount).toEqual({
      bankName: "青山县农村信用合作联社",
      numberMasked: "6217 **** **** 5556",
      alsoNamedBy: [application.number],
    });
    expect(detail.revealable).toEqual(["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER"]);
    const township = (
      await t.app.inject({
        method: "GET",
        url: `/api/staff/cases/${application.caseId}`,
        headers: auth(await t.staffToken("township-liuxi")),
      })
    ).json();
    expect(township.bankAccount.alsoNamedBy).toEqual([second.number]);
    expect(township.revealable).toEqual(["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER", "BANK_ACCOUNT"]);
    // Another township's case never shows up as a match.
    const yunling = (
      await t.app.inject({
        method: "GET",
        url: `/api/staff/cases/${application.caseId}`,
        headers: auth(await t.staffToken("township-yunling")),
      })
    ).statusCode;
    expect(yunling).toBe(404);
  });

  it("reveals one value in full to a role that may see it, with the reason in the staff-access log", async () => {
    const response = await reveal("village-shimen", application.caseId, { field: "PHONE", reason: "电话回访核实情况" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.json()).toMatchObject({ field: "PHONE", value: "13566667777", bankName: null });
    const bank = (await reveal("township-liuxi", application.caseId, { field: "BANK_ACCOUNT", reason: "制作资金发放名册" })).json();
    expect(bank).toMatchObject({ value: account, bankName: "青山县农村信用合作联社" });
    expect((await reveal("county", application.caseId, { field: "ID_NUMBER", reason: "与公安户籍比对" })).json().value).toBe(applicantId);
    expect(
      (await reveal("village-shimen", application.caseId, { field: "MEMBER_ID_NUMBER", declaredIndex: 1, reason: "入户核对身份证" })).json()
        .value,
    ).toBe(memberId);

    const log = await accessLog(application.caseId);
    const reveals = log.filter((e) => e.action === "REVEAL").map((e) => [e.staff.username, e.staffRole, e.subject, e.reason]);
    expect(reveals).toEqual([
      ["village-shimen", "VILLAGE", "PHONE", "电话回访核实情况"],
      ["township-liuxi", "TOWNSHIP", "BANK_ACCOUNT", "制作资金发放名册"],
      ["county", "COUNTY", "ID_NUMBER", "与公安户籍比对"],
      ["village-shimen", "VILLAGE", "MEMBER_ID_NUMBER:declared:1", "入户核对身份证"],
    ]);
    for (const entry of log) {
      expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.ip).toBeTruthy();
      // The log itself never holds the value it accounts for.
      expect(JSON.stringify(entry.detail)).not.toMatch(/13566667777|6217995510004445556/);
    }
  });

  it("reveals a household member's ID number on record by the member's id", async () => {
    const prisma = t.database.db.prisma;
    const onRecord = await prisma.case.findFirstOrThrow({
      where: { householdId: { not: null }, regionPath: { startsWith: "990101/990101001/990101001001/" } },
      include: { household: { include: { members: true } } },
    });
    const member = onRecord.household!.members[0]!;
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    const shown = await reveal("village-shimen", onRecord.id, { field: "MEMBER_ID_NUMBER", memberId: member.id, reason: "核对户籍信息" });
    expect(shown.json().value).toBe(cipher.decrypt(member.idNumberEnc));
    const elsewhere = await prisma.householdMember.findFirstOrThrow({ where: { householdId: { not: onRecord.householdId! } } });
    const notThisHousehold = await reveal("village-shimen", onRecord.id, {
      field: "MEMBER_ID_NUMBER",
      memberId: elsewhere.id,
      reason: "核对户籍信息",
    });
    expect(notThisHousehold.statusCode).toBe(404);
    expect(notThisHousehold.json().code).toBe("NOTHING_TO_REVEAL");
  });

  it("refuses a reveal without a reason, of a field the role may not see, by roles that see none, and out of region", async () => {
    const noReason = await reveal("village-shimen", application.caseId, { field: "PHONE", reason: " " });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields[0]).toMatchObject({ path: "reason", message: expect.stringContaining("理由") });
    const noMember = await reveal("village-shimen", application.caseId, { field: "MEMBER_ID_NUMBER", reason: "入户核对身份证" });
    expect(noMember.statusCode).toBe(400);
    const bankByVillage = await reveal("village-shimen", application.caseId, { field: "BANK_ACCOUNT", reason: "核对一卡通账号" });
    expect(bankByVillage.statusCode).toBe(403);
    expect(bankByVillage.json().code).toBe("FIELD_NOT_REVEALABLE");
    for (const username of ["dept-health", "admin", "auditor"])
      expect((await reveal(username, application.caseId, { field: "PHONE", reason: "想看一下电话" })).statusCode, username).toBe(403);
    expect((await reveal("township-yunling", application.caseId, { field: "PHONE", reason: "想看一下电话" })).statusCode).toBe(404);
    const refusals = (await accessLog(application.caseId)).filter((e) => e.reason === "想看一下电话" || e.reason === "核对一卡通账号");
    expect(refusals).toEqual([]);
  });

  it("logs every opening of a case, of its files and every ledger download", async () => {
    const county = await t.staffToken("county");
    const before = (await accessLog(application.caseId)).length;
    await t.app.inject({ method: "GET", url: `/api/staff/cases/${application.caseId}`, headers: auth(county) });
    const after = await accessLog(application.caseId);
    expect(after.slice(before).map((e) => [e.action, e.staff.username])).toEqual([["VIEW_CASE", "county"]]);

    const ledger = await t.app.inject({ method: "GET", url: "/api/staff/ledgers/queue?format=csv&status=OPEN", headers: auth(county) });
    expect(ledger.statusCode).toBe(200);
    const exported = await t.database.db.prisma.staffAccessLog.findFirstOrThrow({
      where: { action: "EXPORT_LEDGER" },
      orderBy: { id: "desc" },
    });
    expect(exported).toMatchObject({ subject: "queue", caseId: null, detail: { format: "csv", status: "OPEN" } });
  });

  it("gives a resident everything held about them, in full", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/me/data", headers: auth(resident) });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const mine = response.json();
    expect(mine.identity).toMatchObject({ locale: "zh-CN", household: null });
    expect(mine.cases.map((c: { number: string }) => c.number)).toEqual([application.number]);
    expect(mine.cases[0]).toMatchObject({
      applicantName: "孙桂芳",
      phone: "13566667777",
      idNumber: applicantId,
      bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: account },
      declaredHousehold: { members: [{ name: "孙桂芳" }, { name: "孙小军", idNumber: memberId }] },
      timeline: [{ action: "SUBMITTED" }, { action: "ROUTED_VILLAGE" }],
      personalDataErasedAt: null,
    });
    expect(mine.consents.map((c: { scope: string; caseNumber: string }) => [c.scope, c.caseNumber])).toEqual([
      ["PERSONAL_INFORMATION", application.number],
    ]);
    // Nobody else's: another resident gets only their own.
    const other = (await t.app.inject({ method: "GET", url: "/api/me/data", headers: auth(await t.residentToken("someone-else")) })).json();
    expect(other.cases).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: "/api/me/data", headers: auth(await t.staffToken("county")) })).statusCode).toBe(403);
  });

  it("lets the county office export one person's data by ID number, audited with the reason", async () => {
    const county = await t.staffToken("county");
    const response = await t.app.inject({
      method: "POST",
      url: "/api/staff/person-data-exports",
      headers: auth(county),
      payload: { idNumber: applicantId, reason: "本人书面申请查阅个人信息" },
    });
    expect(response.statusCode).toBe(200);
    const exported = response.json();
    expect(exported.idNumber).toBe(applicantId);
    expect(exported.cases.map((c: { number: string }) => c.number)).toEqual([application.number]);
    expect(exported.cases[0]).toMatchObject({ phone: "13566667777", bankAccount: { accountNumber: account } });
    const logged = await t.database.db.prisma.staffAccessLog.findMany({ where: { action: "EXPORT_PERSON" } });
    expect(logged.map((e) => [e.caseId, e.reason, e.detail])).toEqual([
      [application.caseId, "本人书面申请查阅个人信息", { idNumberMasked: `${applicantId.slice(0, 4)}**********${applicantId.slice(-4)}` }],
    ]);

    // A person on the household records: their membership, and their household's cases by number only.
    const prisma = t.database.db.prisma;
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    const head = await prisma.householdMember.findFirstOrThrow({
      where: { relation: "HEAD", household: { cases: { some: {} } } },
      include: { household: { include: { cases: true } } },
    });
    const headId = cipher.decrypt(head.idNumberEnc);
    const record = (
      await t.app.inject({
        method: "POST",
        url: "/api/staff/person-data-exports",
        headers: auth(county),
        payload: { idNumber: headId, reason: "本人书面申请查阅个人信息" },
      })
    ).json();
    expect(record.householdMemberships).toEqual([
      expect.objectContaining({ householdNumber: head.household.number, name: head.name, health: head.health }),
    ]);
    const numbers = [
      ...record.cases.map((c: { number: string }) => c.number),
      ...record.householdCases.map((c: { number: string }) => c.number),
    ].sort();
    expect(numbers).toEqual(head.household.cases.map((c) => c.number).sort());

    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/staff/person-data-exports",
      headers: auth(county),
      payload: { idNumber: demoIdNumber("1999-09-09", 999), reason: "本人书面申请查阅个人信息" },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("PERSON_NOT_FOUND");
    // The search that found nothing is on the log too.
    expect(await prisma.staffAccessLog.count({ where: { action: "EXPORT_PERSON", caseId: null } })).toBe(1);
    for (const username of ["township-liuxi", "auditor", "admin"]) {
      const refused = await t.app.inject({
        method: "POST",
        url: "/api/staff/person-data-exports",
        headers: auth(await t.staffToken(username)),
        payload: { idNumber: applicantId, reason: "本人书面申请查阅个人信息" },
      });
      expect(refused.statusCode, username).toBe(403);
    }
  });
});
