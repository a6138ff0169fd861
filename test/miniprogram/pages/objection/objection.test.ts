import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { startMiniprogram, renderPage, tick, type FakeWx, type RenderedPage } from "../../harness.ts";

const visit = {
  type: "RECORD_HOME_VISIT",
  visitedAt: "2026-11-25T01:00:00Z",
  investigators: ["赵书记", "刘芳"],
  findings: {
    annualIncome: 6000,
    rigidExpenses: 30000,
    foodAndClothing: "SECURE",
    education: "SECURE",
    medical: "AT_RISK",
    housing: "SECURE",
    drinkingWater: "SECURE",
  },
};
const propose = { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T01:30:00Z", proposal: "PROPOSE", reason: "村两委会议讨论" };

describe("公示异议: objecting to a village publicity list against the running server", () => {
  let t: TestApp;
  let wx: FakeWx;
  let village: string;
  /** Every wx.request the page makes, to prove what never left the phone. */
  const requests: string[] = [];

  beforeAll(async () => {
    ({ t, wx } = await startMiniprogram("mp-objector"));
    const pageWx = (globalThis as unknown as { wx: { request(options: { url: string }): unknown } }).wx;
    const request = pageWx.request.bind(pageWx);
    pageWx.request = (options) => {
      requests.push(options.url);
      return request(options);
    };
    village = await t.staffToken("village-shimen");
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.clock.now = new Date(defaultTestTime);
    wx.setOnline(true);
    requests.length = 0;
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const act = async (number: string, body: object) => {
    const tasks = (await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: auth(village) })).json().items as {
      id: string;
      caseNumber: string;
    }[];
    const task = tasks.find((x) => x.caseNumber === number)!;
    const response = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: auth(village),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  /** A neighbour's case, visited and proposed by 石门村: on the village's publicity list. */
  const inPublicity = async (applicant: string) => {
    const response = await t.submit(await t.residentToken(applicant), {
      description: "老伴住院花了三万多,家里没有收入了",
      regionCode: "990101001001",
      applicantName: "钱多多",
    });
    const { number, caseId } = response.json() as { number: string; caseId: string };
    await act(number, visit);
    await act(number, propose);
    expect((await t.database.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe("VILLAGE_PUBLICITY");
    return { number, caseId };
  };
  const objections = (caseId: string) => t.database.db.prisma.caseEvent.findMany({ where: { caseId, action: "PUBLICITY_OBJECTION" } });
  const type = async (page: RenderedPage, field: string, value: string) => {
    page.query(`.field-${field}`)!.dispatchEvent("input", { detail: { value } });
    await tick();
  };
  const submit = async (page: RenderedPage) => {
    page.query(".submit")!.dispatchEvent("tap");
    await wx.settled();
    await tick();
  };

  it("catches a too-short reason on the phone, next to the field, without calling the server", async () => {
    const { number, caseId } = await inPublicity("mp-objection-applicant-1");
    const page = renderPage("pages/objection/objection", { number });
    await wx.settled();
    expect(page.instance.data.form).toMatchObject({ caseNumber: number });

    await type(page, "objection", "有房");
    await submit(page);
    expect(page.query(".error-objection")?.dom.textContent).toContain("至少 4 个字");
    expect(page.query(".error-caseNumber")).toBeUndefined();
    expect(page.text()).toContain("有几项需要修改");
    expect(requests).toEqual([]);
    expect(await objections(caseId)).toEqual([]);

    // Typing again clears the note.
    await type(page, "objection", "他家在城里有两套房");
    expect(page.query(".error-objection")).toBeUndefined();
  });

  it("sends the objection, which the server records, and confirms it", async () => {
    const { number, caseId } = await inPublicity("mp-objection-applicant-2");
    const page = renderPage("pages/objection/objection");
    await wx.settled();
    // Typed the way it is read off a notice board, without the dash: the server's schema on the phone puts it back.
    await type(page, "caseNumber", number.replace("-", ""));
    await type(page, "objection", "他家在城里有两套房");
    await submit(page);

    const [event] = await objections(caseId);
    expect(event).toMatchObject({ actorType: "RESIDENT", toStage: "VILLAGE_VERIFICATION", payload: { objection: "他家在城里有两套房" } });
    expect(page.query(".received")?.dom.textContent).toBe(`您的意见已收到。村里会重新核实编号 ${number} 这一户的情况。`);
    expect(page.query(".submit")).toBeUndefined();
    expect(requests.filter((url) => url.endsWith("/api/publicity/objections"))).toHaveLength(1);

    page.query(".another")!.dispatchEvent("tap");
    await tick();
    expect(page.instance.data.form).toEqual({ caseNumber: "", objection: "" });
  });

  it("shows the server's own words when the publicity is over, and keeps what was typed", async () => {
    const { number, caseId } = await inPublicity("mp-objection-applicant-3");
    t.clock.now = new Date("2026-12-05T02:00:00Z");
    const page = renderPage("pages/objection/objection", { number });
    await wx.settled();
    await type(page, "objection", "他家有车");
    await submit(page);
    expect(page.text()).toContain("公示期已结束,不能再登记异议。");
    expect(page.instance.data.form).toEqual({ caseNumber: number, objection: "他家有车" });
    expect(await objections(caseId)).toEqual([]);
  });

  it("says when there is no network, and the same tap sends it once the network is back", async () => {
    const { number, caseId } = await inPublicity("mp-objection-applicant-4");
    const page = renderPage("pages/objection/objection", { number });
    await wx.settled();
    await type(page, "objection", "他家儿子在县城开店");
    wx.setOnline(false);
    await submit(page);
    expect(page.text()).toContain("现在没有网络,意见还没有发出去");
    expect(await objections(caseId)).toEqual([]);

    wx.setOnline(true);
    await submit(page);
    expect(await objections(caseId)).toHaveLength(1);
    expect(page.query(".received")).toBeDefined();
  });
});
