import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

describe("交办任务: a department handler reports back from the phone, against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let resident: string;

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram());
    resident = await t.residentToken("dispatched-applicant");
    wx.storage.set("auth-token", await t.staffToken("dept-health"));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
  });

  /** A need the county dispatched to the health insurance bureau (the dispatch itself is the web console's). */
  const dispatched = async (measure: string, dueAt: string) => {
    const filed = (await t.submit(resident, { description: "老伴住院花了三万多", regionCode: "990101001001" })).json() as {
      caseId: string;
      number: string;
    };
    const assignment = await t.database.db.prisma.departmentAssignment.create({
      data: {
        caseId: filed.caseId,
        department: "HEALTH_INSURANCE",
        riskType: "ILLNESS",
        measure,
        regionPath: (await t.database.db.prisma.region.findUniqueOrThrow({ where: { code: "990101" } })).path,
        dueAt: new Date(dueAt),
      },
    });
    return { ...filed, id: assignment.id };
  };
  const open = async () => {
    const page = renderPage("pages/assignments/assignments");
    await wx.settled();
    await tick();
    return page;
  };
  const tap = async (page: RenderedPage, selector: string) => {
    page.query(selector)!.dispatchEvent("tap");
    await wx.settled();
    await tick();
  };
  const row = (id: string) => t.database.db.prisma.departmentAssignment.findUniqueOrThrow({ where: { id } });

  it("lists the open need with its measure and deadline, refuses an empty report in the server's words, then takes the report", async () => {
    const need = await dispatched("大病保险二次报销", "2026-11-20T15:59:59.999Z");
    const page = await open();
    const item = `.assignment-${need.id}`;
    expect(page.query(`${item} .case-number`)?.dom.textContent).toBe(need.number);
    expect(page.query(`${item} .measure`)?.dom.textContent).toBe("大病保险二次报销");
    expect(page.query(`${item} .due`)?.dom.textContent).toBe("2026年11月20日周五");
    expect(page.query(`${item} .overdue`)?.dom.textContent).toContain("已超期");

    await tap(page, `${item} .submit`);
    expect(page.query(`${item} .error-report`)?.dom.textContent).toContain("落实情况");
    expect((await row(need.id)).status).toBe("OPEN");

    page.query(`${item} .field-report`)!.dispatchEvent("input", { detail: { value: "已按大病保险政策二次报销 4200 元" } });
    await tick();
    await tap(page, `${item} .submit`);
    expect(await row(need.id)).toMatchObject({ status: "REPORTED", report: "已按大病保险政策二次报销 4200 元" });
    expect(page.text()).toContain(`案件 ${need.number} 的落实情况已反馈。`);
    expect(page.query(item)).toBeUndefined();

    await tap(page, ".tab-reported");
    expect(page.query(`${item} .report`)?.dom.textContent).toBe("已按大病保险政策二次报销 4200 元");
  });

  it("says so when a colleague reported the same need first", async () => {
    const need = await dispatched("慢病门诊报销", "2026-12-20T15:59:59.999Z");
    const page = await open();
    const item = `.assignment-${need.id}`;
    expect(page.query(`${item} .overdue`)).toBeUndefined();
    await t.app.inject({
      method: "POST",
      url: `/api/department/assignments/${need.id}/report`,
      headers: { authorization: `Bearer ${await t.staffToken("dept-health")}` },
      payload: { report: "同事已反馈" },
    });
    page.query(`${item} .field-report`)!.dispatchEvent("input", { detail: { value: "我也来反馈" } });
    await tick();
    await tap(page, `${item} .submit`);
    expect(page.text()).toContain("这项交办任务已经反馈过了。");
    expect(page.query(item)).toBeUndefined();
    expect((await row(need.id)).report).toBe("同事已反馈");
  });
});
