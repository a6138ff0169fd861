import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, defaultTestTime, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

describe(`the bot's conversation endpoint (${testDatabaseKind})`, () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp({ botKey: "test-bot-key-0123456789" });
  });
  afterAll(() => t.close());

  const send = (senderId: string, text: string, messageId = `m-${++n}`) =>
    t.app.inject({
      method: "POST",
      url: "/api/bot/messages",
      headers: { "x-bot-key": "test-bot-key-0123456789" },
      payload: { messageId, senderId, text },
    });

  it("turns a free-text report into a case after asking only what is missing, and answers a status query", async () => {
    t.clock.now = new Date(defaultTestTime);
    expect((await send("wx-liu", "一组刘大爷家房子被洪水冲垮了,在石门村")).json().replies).toEqual([
      expect.stringContaining("收到"),
      "请告诉我申请人姓名、手机号,一条消息发完就行,比如“张德福 13800001234 石门村”。",
    ]);
    expect((await send("wx-liu", "刘长根")).json().replies).toEqual([expect.stringContaining("手机号")]);
    const summary = (await send("wx-liu", "13900005678")).json().replies[0];
    expect(summary).toContain("地址:柳溪镇石门村");
    const done = (await send("wx-liu", "是", "confirm-1")).json().replies[0] as string;
    const number = /(\d{4}-\d{6})/.exec(done)![1]!;
    expect(done).toContain("石门村的工作人员会在");
    const stored = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number } });
    expect(stored).toMatchObject({ channel: "BOT", applicantName: "刘长根", routing: "VILLAGE" });
    expect(stored.riskTypes).toEqual(expect.arrayContaining(["DISASTER", "HOUSING"]));

    // WeChat redelivers the "yes": same answer, still one case.
    expect((await send("wx-liu", "是", "confirm-1")).json().replies[0]).toBe(done);
    expect(await t.database.db.prisma.case.count({ where: { applicantName: "刘长根", channel: "BOT" } })).toBe(1);

    const status = (await send("wx-liu", "查进度")).json().replies[0];
    expect(status).toContain(number);
    expect(status).toContain("村里上门核实");
  });

  it("keeps the conversation on the server, so a restarted bot carries on where the resident was", async () => {
    await send("wx-wang", "老伴住院花了三万多");
    // A bot restart loses nothing: the next message is answered from the stored state.
    const afterRestart = await send("wx-wang", "王秀英");
    expect(afterRestart.json().replies).toEqual([expect.stringContaining("手机号")]);
    const stored = await t.database.db.prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-wang" } });
    expect(stored.state).toMatchObject({ step: "report", awaiting: "contact", draft: { applicantName: "王秀英" } });
  });

  it("keeps a draft left for more than half an hour, and says so", async () => {
    t.clock.now = new Date(defaultTestTime);
    await send("wx-slow", "老伴住院花了三万多");
    await t.database.db.prisma.botConversation.update({
      where: { senderId: "wx-slow" },
      data: { updatedAt: new Date(defaultTestTime.getTime() - 31 * 60_000) },
    });
    const replies = (await send("wx-slow", "张三")).json().replies;
    expect(replies[0]).toBe("您上次报的困难还没提交,已经帮您存着了,发“继续”接着报。");
    expect((await send("wx-slow", "继续")).json().replies).toEqual(["我们接着填。", expect.stringContaining("申请人姓名")]);
  });

  it("speaks English when asked, and remembers it", async () => {
    expect((await send("wx-en", "English")).json().replies).toEqual(["Switched to English."]);
    expect((await send("wx-en", "hello")).json().replies[0]).toMatch(/^Hello!/);
  });

  it("guides an application through consent, keeps it when the resident stops, and resumes it", async () => {
    t.clock.now = new Date(defaultTestTime);
    expect((await send("wx-apply", "我想申请低保")).json().replies).toEqual([
      expect.stringContaining("一步一步"),
      expect.stringContaining("申请人姓名、手机号、住在哪个村"),
    ]);
    await send("wx-apply", "周桂花");
    await send("wx-apply", "13500006666");
    expect((await send("wx-apply", "石门村二组")).json().replies).toEqual(["您家里一共几口人(户口本上的)?"]);
    expect((await send("wx-apply", "先存着")).json().replies[0]).toContain("发“继续”");
    // Something else in between, then the half-filled application comes back.
    expect((await send("wx-apply", "你好")).json().replies).toEqual([
      expect.stringContaining("您好"),
      expect.any(String),
      expect.stringContaining("没填完的申请"),
    ]);
    expect((await send("wx-apply", "继续")).json().replies).toEqual(["我们接着填。", "您家里一共几口人(户口本上的)?"]);
    await send("wx-apply", "四口人");
    expect((await send("wx-apply", "我老伴瘫痪在床,每月药费两千多,我没法出去打工")).json().replies[0]).toContain("授权说明");
    expect((await send("wx-apply", "嗯嗯")).json().replies[0]).toBe("请回复“同意”授权,或回复“不同意”。");
    const summary = (await send("wx-apply", "同意")).json().replies[0];
    expect(summary).toContain("类别:低保等救助申请");
    expect(summary).toContain("家庭人口:4 人");
    const number = /(\d{4}-\d{6})/.exec((await send("wx-apply", "是")).json().replies[0])![1]!;
    const filed = await t.database.db.prisma.case.findUniqueOrThrow({ where: { number }, include: { consents: true } });
    expect(filed).toMatchObject({
      kind: "ASSISTANCE_APPLICATION",
      applicantName: "周桂花",
      description: "我老伴瘫痪在床,每月药费两千多,我没法出去打工(家庭人口 4 人)",
    });
    expect(filed.consents.map((c) => c.scope).sort()).toEqual(["FAMILY_ECONOMIC_CHECK", "PERSONAL_INFORMATION"]);
    expect((await t.database.db.prisma.botConversation.findUniqueOrThrow({ where: { senderId: "wx-apply" } })).savedApplication).toBeNull();
  });

  it("puts an application aside, rather than dropping it, when the resident goes quiet", async () => {
    t.clock.now = new Date(defaultTestTime);
    await send("wx-apply-slow", "申请防返贫监测");
    await t.database.db.prisma.botConversation.update({
      where: { senderId: "wx-apply-slow" },
      data: { updatedAt: new Date(defaultTestTime.getTime() - 2 * 3600_000) },
    });
    const replies = (await send("wx-apply-slow", "你好")).json().replies;
    expect(replies[0]).toContain("已经帮您存着了");
    expect((await send("wx-apply-slow", "继续")).json().replies).toEqual(["我们接着填。", expect.stringContaining("申请人姓名")]);
  });

  it("points residents it cannot understand to their village committee's phone", async () => {
    t.clock.now = new Date(defaultTestTime);
    await send("wx-contact", "房子漏雨塌了一角,石门村");
    await send("wx-contact", "陈有田");
    await send("wx-contact", "13300007777");
    await send("wx-contact", "是");
    expect((await send("wx-contact", "123")).json().replies).toEqual([
      "您好,请直接说说家里遇到了什么事,或发“查进度”;也可以打石门村的电话 0999-6601001,他们会帮您办理。",
    ]);
  });

  it("rejects a media message whose message field is not a bot message", async () => {
    const form = new FormData();
    form.append("message", "{not json");
    form.append("file", new Blob([new Uint8Array([1, 2, 3])]), "a.png");
    const request = new Request("http://x/", { method: "POST", body: form });
    const response = await t.app.inject({
      method: "POST",
      url: "/api/bot/media-messages",
      headers: { "x-bot-key": "test-bot-key-0123456789", "content-type": request.headers.get("content-type")! },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("issues binding codes to field staff only, and finds households only in the caller's region", async () => {
    const resident = await t.residentToken("binding-resident");
    expect(
      (await t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${resident}` } }))
        .statusCode,
    ).toBe(403);
    const department = await t.staffToken("dept-health");
    expect(
      (await t.app.inject({ method: "POST", url: "/api/auth/staff/wechat-binding", headers: { authorization: `Bearer ${department}` } }))
        .statusCode,
    ).toBe(403);

    const grid = await t.staffToken("grid-shimen");
    const found = await t.app.inject({
      method: "GET",
      url: `/api/households?q=${encodeURIComponent("张德福")}`,
      headers: { authorization: `Bearer ${grid}` },
    });
    expect(found.json().items).toEqual([
      { id: expect.any(String), number: "990101001001-0007", headNameMasked: "张**", regionName: "一组" },
    ]);
    const baisha = await t.staffToken("village-baisha");
    const elsewhere = await t.app.inject({
      method: "GET",
      url: `/api/households?q=${encodeURIComponent("张德福")}`,
      headers: { authorization: `Bearer ${baisha}` },
    });
    expect(elsewhere.json().items).toEqual([]);
    // Filing for a household outside one's region is refused, not silently routed.
    const filed = await t.app.inject({
      method: "POST",
      url: "/api/cases",
      headers: { authorization: `Bearer ${baisha}`, "idempotency-key": "household-out-of-scope" },
      payload: {
        description: "老伴住院花了三万多",
        applicantName: "张德福",
        phone: "13800001234",
        householdId: found.json().items[0].id,
        consent: { personalInformation: true },
        onBehalf: { confirmationMethod: "SIGNED_PAPER" },
      },
    });
    expect(filed.statusCode).toBe(404);
    expect(filed.json()).toMatchObject({ code: "HOUSEHOLD_NOT_FOUND" });
  });

  it("refuses callers without the bot key", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/bot/messages",
      headers: { "x-bot-key": "wrong" },
      payload: { messageId: "x", senderId: "y", text: "hi" },
    });
    expect(response.statusCode).toBe(401);
  });
});
