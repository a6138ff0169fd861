import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { readCsv, readXlsx } from "../../../helpers/spreadsheets.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`auditor: case trace and staff-access log (${testDatabaseKind})`, () => {
  let t: TestApp;
  let auditor: string;
  let filed: { caseId: string; number: string };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (url: string, token: string) => t.app.inject({ method: "GET", url, headers: auth(token) });

  beforeAll(async () => {
    t = await createTestApp();
    auditor = await t.staffToken("auditor");
    filed = (
      await t.submit(await t.residentToken("traced"), {
        kind: "ASSISTANCE_APPLICATION",
        description: "家里有病人,收入很低",
        applicantName: "郑秀英",
        phone: "13588889999",
        idNumber: demoIdNumber("1966-06-06", 61),
        regionCode: "990101001001",
        bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217995510003332221" },
      })
    ).json();
    const village = await t.staffToken("village-shimen");
    await get(`/api/staff/cases/${filed.caseId}`, village);
    await t.app.inject({
      method: "POST",
      url: `/api/staff/cases/${filed.caseId}/reveal`,
      headers: auth(village),
      payload: { field: "PHONE", reason: "电话预约入户时间" },
    });
  });
  afterAll(() => t.close());

  it("exports one case's full trace: the case masked, every event, every access with its reason, consents and tasks", async () => {
    const response = await get(`/api/audit/cases/${filed.caseId}/trace`, auditor);
    expect(response.statusCode).toBe(200);
    const trace = response.json();
    expect(trace.case).toMatchObject({
      number: filed.number,
      applicantNameMasked: "郑**",
      phoneMasked: "135****9999",
      bankAccountMasked: "6217 **** **** 2221",
      idNumberMasked: expect.stringMatching(/^9901\*+\d{3}[\dX]$/),
    });
    expect(trace.events.map((e: { action: string }) => e.action)).toEqual(["SUBMITTED", "ROUTED_VILLAGE"]);
    expect(
      trace.accesses.map((a: { action: string; staff: { username: string }; reason: string | null }) => [
        a.action,
        a.staff.username,
        a.reason,
      ]),
    ).toEqual([
      ["VIEW_CASE", "village-shimen", null],
      ["REVEAL", "village-shimen", "电话预约入户时间"],
      // The export is itself an access, and the last one listed.
      ["EXPORT_TRACE", "auditor", null],
    ]);
    expect(trace.consents.map((c: { scope: string }) => c.scope)).toEqual(["PERSONAL_INFORMATION"]);
    expect(trace.tasks).toEqual([expect.objectContaining({ stage: "ECONOMIC_SURVEY", desk: "VILLAGE", status: "OPEN" })]);
    expect(trace.attachments).toEqual([]);
    expect(JSON.stringify(trace)).not.toMatch(/13588889999|6217995510003332221|郑秀英/);
  });

  it("exports the trace as a spreadsheet in time order", async () => {
    const xlsx = await get(`/api/audit/cases/${filed.caseId}/trace?format=xlsx`, auditor);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers["content-type"]).toContain("spreadsheetml");
    expect(xlsx.headers["content-disposition"]).toContain(`case-trace-${filed.number}.xlsx`);
    const rows = await readXlsx(xlsx.rawPayload);
    expect(rows[0]).toEqual(["时间", "类别", "人员", "角色", "事项", "内容", "理由"]);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual([...body.map((r) => r[0])].sort());
    expect(body.some((r) => r[1] === "查看" && r[4] === "REVEAL" && r[6] === "电话预约入户时间")).toBe(true);
    expect(body.some((r) => r[1] === "办理" && r[4] === "SUBMITTED")).toBe(true);
    const csv = await t.app.inject({
      method: "GET",
      url: `/api/audit/cases/${filed.caseId}/trace?format=csv`,
      headers: { ...auth(auditor), "accept-language": "en" },
    });
    expect(readCsv(csv.rawPayload.subarray(3).toString("utf8"))[0]).toEqual(["Time", "Kind", "Who", "Role", "What", "Detail", "Reason"]);
  });

  it("lists the staff-access log of the county, newest first, filtered and paged", async () => {
    const all = (await get(`/api/audit/access-log?caseNumber=${filed.number}&limit=2`, auditor)).json();
    expect(all.items.map((e: { action: string }) => e.action)).toEqual(["EXPORT_TRACE", "EXPORT_TRACE"]);
    expect(all.nextCursor).toMatch(/^\d+$/);
    const rest = (await get(`/api/audit/access-log?caseNumber=${filed.number}&limit=50&cursor=${all.nextCursor}`, auditor)).json();
    expect(rest.items.map((e: { action: string }) => e.action)).toEqual(["EXPORT_TRACE", "REVEAL", "VIEW_CASE"]);
    expect(rest.nextCursor).toBeNull();
    const reveals = (await get("/api/audit/access-log?action=REVEAL&staff=village-shimen", auditor)).json();
    expect(reveals.items).toEqual([
      expect.objectContaining({ caseNumber: filed.number, subject: "PHONE", reason: "电话预约入户时间", staffRole: "VILLAGE" }),
    ]);
    expect((await get("/api/audit/access-log?from=2030-01-01", auditor)).json().items).toEqual([]);
  });

  it("lets the auditor read but never act, reveal or export personal data", async () => {
    const detail = (await get(`/api/staff/cases/${filed.caseId}`, auditor)).json();
    expect(detail).toMatchObject({ number: filed.number, phoneMasked: "135****9999", revealable: [] });
    expect((await get(`/api/staff/cases?q=${filed.number}`, auditor)).json().items).toHaveLength(1);
    const tasks = (await get(`/api/staff/cases/${filed.caseId}/tasks`, auditor)).json();
    expect(tasks.items.every((task: { actions: unknown[] }) => task.actions.length === 0)).toBe(true);
    expect((await get("/api/staff/tasks", auditor)).statusCode).toBe(403);
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: filed.caseId, status: "OPEN" } });
    const act = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(auditor),
      payload: { type: "RETURN", reason: "测试" },
    });
    expect(act.statusCode).toBe(403);
    expect((await get("/api/staff/ledgers/queue?format=csv", auditor)).statusCode).toBe(403);
  });

  it("is for auditors only", async () => {
    for (const username of ["county", "admin", "township-liuxi"]) {
      expect((await get(`/api/audit/cases/${filed.caseId}/trace`, await t.staffToken(username))).statusCode, username).toBe(403);
      expect((await get("/api/audit/access-log", await t.staffToken(username))).statusCode, username).toBe(403);
    }
    expect((await get("/api/audit/access-log", await t.residentToken("traced"))).statusCode).toBe(403);
  });
});
