import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSecrets } from "../../server/platform/keys/secrets.ts";
import { PersonalDataCipher } from "../../server/core/personal-data.ts";
import { demoIdNumber, demoPassword } from "../../server/demo/demo-county.ts";
import { browserTestApp } from "../helpers/browser.ts";
import { readXlsx } from "../helpers/spreadsheets.ts";
import type { TestApp } from "../helpers/test-app.ts";

/**
 * The staff console and the residents' status page in a real browser against
 * the real server: a township reviewer filters the queue and approves a case,
 * and the applicant's page, open in another browser context, moves by itself.
 */
describe("web console (browser)", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ t, base, browser, close } = await browserTestApp());
  });

  afterAll(() => close?.());

  async function consoleAs(username: string): Promise<Page> {
    // Reduced motion: dialogs and drop-downs appear at once (reduced-motion.ts), so no click lands on one still zooming in.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, reducedMotion: "reduce" });
    // A step that waits in vain fails naming its locator or event, well before the test's own 30 s run out.
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("密码").fill(demoPassword);
    await page
      .getByRole("button", { name: "登 录" })
      .or(page.getByRole("button", { name: "登录" }))
      .click();
    await page.getByTestId("live-state").and(page.locator("[data-state=live]")).waitFor();
    return page;
  }

  async function pick(page: Page, testId: string, option: string) {
    await page.getByTestId(testId).click();
    await page.locator(".ant-select-item-option:visible", { hasText: option }).first().click();
  }

  const queueNumbers = (page: Page) => page.getByTestId("queue-table").locator("tbody tr.ant-table-row td:first-child").allInnerTexts();

  it("refuses a wrong password with the server's own message", async () => {
    const page = await (await browser.newContext({ reducedMotion: "reduce" })).newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel("用户名").fill("township-liuxi");
    await page.getByLabel("密码").fill("wrong-password");
    await page.getByRole("button", { name: /登\s?录/ }).click();
    await expect.poll(() => page.getByTestId("login-error").innerText()).toContain("用户名或密码");
    await page.context().close();
  });

  it("a township reviewer filters the queue and approves a case; the applicant sees it move live", { timeout: 90_000 }, async () => {
    const staffToken = await t.staffToken("township-liuxi");
    const waiting = await t.app.inject({
      method: "GET",
      url: "/api/staff/cases?stage=TOWNSHIP_REVIEW",
      headers: { authorization: `Bearer ${staffToken}` },
    });
    const target = waiting.json().items[0] as { id: string; number: string };
    expect(target).toBeDefined();

    // The applicant (the demo resident) follows the case from WeChat's browser.
    const applicant = await (await browser.newContext({ viewport: { width: 390, height: 844 }, reducedMotion: "reduce" })).newPage();
    await applicant.goto(`${base}/status?code=dev:demo&case=${target.number}`);
    await expect.poll(() => applicant.getByTestId("status-stage").innerText()).toBe("乡镇审核");
    await applicant.locator("[data-testid=status-live][data-live=true]").waitFor();
    expect(applicant.url()).not.toContain("code=");

    const page = await consoleAs("township-liuxi");
    await page.getByRole("menuitem", { name: "案件队列" }).click();
    await page.getByTestId("queue-table").locator("tbody tr.ant-table-row").first().waitFor();
    const before = await queueNumbers(page);
    await pick(page, "filter-stage", "乡镇审核");
    await expect
      .poll(async () => (await queueNumbers(page)).sort())
      .toEqual(
        waiting
          .json()
          .items.map((c: { number: string }) => c.number)
          .sort(),
      );
    expect(before.length).toBeGreaterThan((await queueNumbers(page)).length);

    await page.getByRole("link", { name: target.number }).click();
    await page.getByTestId("action-APPROVE").click();
    await page.getByTestId("action-form").waitFor();
    expect(await page.locator(".ant-modal[class*=ant-zoom]").count()).toBe(0);
    // The click must send the action (a failure here names the missing request), and the server must take it.
    const sent = page.waitForRequest((request) => request.method() === "POST" && request.url().endsWith("/actions"));
    await page.getByTestId("action-submit").click();
    expect((await (await sent).response())?.status()).toBe(200);
    // The dialog closes once the server took the action; if it did not, the failure shows the dialog's words.
    await expect
      .poll(async () => ((await page.getByTestId("action-form").count()) ? page.getByRole("dialog").innerText() : "closed"))
      .toBe("closed");
    await expect.poll(() => page.getByTestId("case-stage").innerText()).toContain("县级审定");
    await expect.poll(() => page.getByTestId("case-timeline").innerText()).toContain("乡镇审核:通过");

    // No reload on the applicant's side: the WebSocket brought it.
    await expect.poll(() => applicant.getByTestId("status-stage").innerText()).toBe("县级审定");
    expect(await applicant.getByTestId("status-notice").innerText()).toContain(target.number);
    const events = await t.database.db.prisma.caseEvent.findMany({ where: { caseId: target.id, action: "APPROVED" } });
    expect(events).toHaveLength(1);
    await applicant.context().close();
    await page.context().close();
  });

  it(
    "a township reviewer reads the case file: the village's findings and vote, a neighbour's objection in its own words",
    { timeout: 90_000 },
    async () => {
      t.clock.now = new Date("2026-11-25T02:00:00Z");
      const applicant = await t.residentToken("case-file-applicant");
      const neighbour = await t.residentToken("case-file-neighbour");
      const filed = (await t.submit(applicant, { description: "老伴中风瘫在床上,每月药费两千多", regionCode: "990101001001" })).json() as {
        caseId: string;
        number: string;
      };
      const village = await t.staffToken("village-shimen");
      const act = async (body: object) => {
        const tasks = (
          await t.app.inject({ method: "GET", url: "/api/staff/tasks?limit=100", headers: { authorization: `Bearer ${village}` } })
        ).json().items as { id: string; caseNumber: string }[];
        const task = tasks.find((x) => x.caseNumber === filed.number)!;
        const response = await t.app.inject({
          method: "POST",
          url: `/api/staff/tasks/${task.id}/actions`,
          headers: { authorization: `Bearer ${village}` },
          payload: body,
        });
        expect(response.statusCode, response.body).toBe(200);
      };
      const visit = (income: number) => ({
        type: "RECORD_HOME_VISIT",
        visitedAt: "2026-11-25T01:00:00Z",
        investigators: ["赵书记", "刘芳"],
        findings: {
          annualIncome: income,
          rigidExpenses: 26000,
          foodAndClothing: "SECURE",
          education: "SECURE",
          medical: "AT_RISK",
          housing: "SECURE",
          drinkingWater: "SECURE",
          notes: "老伴长期卧床,儿子电话13812345678",
        },
      });
      const appraisal = {
        type: "RECORD_APPRAISAL",
        meetingAt: "2026-11-25T01:30:00Z",
        proposal: "PROPOSE",
        membersTotal: 7,
        present: 6,
        votesFor: 5,
        votesAgainst: 1,
        reason: "支出大,收入低,同意纳入",
      };
      await act(visit(8000));
      await act(appraisal);
      const objected = await t.app.inject({
        method: "POST",
        url: "/api/publicity/objections",
        headers: { authorization: `Bearer ${neighbour}` },
        payload: { caseNumber: filed.number, objection: "他家儿子在城里开店,收入不低" },
      });
      expect(objected.statusCode, objected.body).toBe(200);
      await act(visit(9000));
      await act(appraisal);
      t.clock.now = new Date("2026-12-03T02:00:00Z");
      await act({ type: "CLOSE_PUBLICITY" });

      const page = await consoleAs("township-liuxi");
      await page.goto(`${base}/console/#/cases/${filed.caseId}`);
      const file = page.getByTestId("case-timeline");
      await expect.poll(() => file.innerText()).toContain("赵书记、刘芳");
      const text = await file.innerText();
      expect(text).toContain("家庭年收入");
      expect(text).toContain("9,000 元");
      expect(text).toContain("应到 7 人,实到 6 人");
      expect(text).toContain("同意 5 票,反对 1 票");
      expect(text).toContain("他家儿子在城里开店,收入不低");
      expect(text).toContain("群众(不是申请人)");
      expect(text).toContain("石门村 村委 赵书记(村干部)");
      // A phone typed into the notes is masked like every phone in the console.
      expect(text).toContain("138****5678");
      expect(text).not.toContain("13812345678");
      await page.context().close();
    },
  );

  it("a township desk sees the payment account in full only on giving a reason, which the auditor then reads in the trace", async () => {
    const demo = await t.database.db.prisma.case.findFirstOrThrow({ where: { bankAccountEnc: { not: null }, applicantName: "张德福" } });
    const page = await consoleAs("township-liuxi");
    await page.goto(`${base}/console/#/cases/${demo.id}`);
    await expect.poll(() => page.getByTestId("case-stage").innerText()).not.toBe("");
    expect(await page.locator("body").innerText()).toContain("6217 **** **** 4567");
    await page.getByTestId("reveal-BANK_ACCOUNT").click();
    await page.getByRole("dialog").locator("textarea").fill("制作一卡通资金发放名册");
    await page.getByRole("dialog").getByRole("button", { name: "查看完整" }).click();
    await expect.poll(() => page.getByTestId("revealed-BANK_ACCOUNT").innerText()).toBe("6217995510001234567");
    await page.context().close();

    const auditor = await consoleAs("auditor");
    // No ledgers or risk events for the auditor: reading cases and their trace is the work.
    expect(await auditor.getByRole("menuitem").allInnerTexts()).toEqual(["工作概览", "案件队列"]);
    await auditor.goto(`${base}/console/#/cases/${demo.id}`);
    const download = auditor.waitForEvent("download");
    await auditor.getByRole("button", { name: "导出全程记录(XLSX)" }).click();
    const rows = await readXlsx(fs.readFileSync(await (await download).path()));
    expect(rows.some((r) => r[4] === "REVEAL" && r[6] === "制作一卡通资金发放名册")).toBe(true);
    // The page is there, masked, and offers the auditor no reveal.
    expect(await auditor.locator("body").innerText()).toContain("6217 **** **** 4567");
    expect(await auditor.getByTestId("reveal-BANK_ACCOUNT").count()).toBe(0);
    await auditor.context().close();
  });

  it("exports the queue ledger as a file whose rows are the region's cases, masked", async () => {
    const page = await consoleAs("township-liuxi");
    await page.getByRole("menuitem", { name: "台账导出" }).click();
    const downloading = page.waitForEvent("download");
    await page.getByTestId("ledger-queue-xlsx").click();
    const [header, ...rows] = await readXlsx(fs.readFileSync(await (await downloading).path()));
    expect(header![0]).toBe("案件编号");
    const numbers = rows.map((row) => row[0]!);
    const token = await t.staffToken("township-liuxi");
    const queue = await t.app.inject({ method: "GET", url: "/api/staff/cases?limit=100", headers: { authorization: `Bearer ${token}` } });
    expect(numbers.sort()).toEqual(
      queue
        .json()
        .items.map((c: { number: string }) => c.number)
        .sort(),
    );
    expect(JSON.stringify(rows)).not.toMatch(/1[3-9]\d{9}/);
    await page.context().close();
  });

  it("imports a department's file with bad rows: every row accounted for, the bad ones listed by row and column", async () => {
    // A household made up here (serial 77): nothing open, so a hit becomes a lead.
    const idNumber = demoIdNumber("1969-04-04", 77);
    const cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    const prisma = t.database.db.prisma;
    const group = await prisma.region.findUniqueOrThrow({ where: { code: "990101001001002" } });
    await prisma.household.create({
      data: {
        number: "990101001001-7701",
        regionId: group.id,
        address: "石门村二组 77 号",
        category: "MARGINAL",
        members: {
          create: [
            {
              name: "孙有田",
              relation: "HEAD",
              birthDate: new Date("1969-04-04"),
              labourCapacity: "FULL",
              idNumberEnc: cipher.encrypt(idNumber),
              idNumberHash: cipher.lookupHash(idNumber),
            },
          ],
        },
      },
    });
    const csv = [
      "姓名,身份证号,个人自付金额,医疗总费用",
      `孙有田,${idNumber},26000,41000`, // row 2: trips the out-of-pocket rule → lead
      "李某,110101199003070000,5000,8000", // row 3: bad check digit
      `周某,${demoIdNumber("1972-02-02", 88)},不详,300`, // row 4: amount is not a number
      `吴某,${demoIdNumber("1981-01-01", 95)},20000,30000`, // row 5: on no household
    ].join("\r\n");

    const page = await consoleAs("county");
    await page.getByRole("menuitem", { name: "部门筛查预警" }).click();
    await pick(page, "screening-department", "医保局");
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "医保局2026Q4.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    // The columns were recognised by their names; the user only confirms.
    await expect.poll(() => page.getByTestId("map-idNumber").innerText()).toContain("身份证号");
    await page.getByTestId("screening-run").click();

    const errors = page.getByTestId("screening-errors").locator("tbody tr.ant-table-row");
    await expect.poll(() => errors.count()).toBe(2);
    const [third, fourth] = await errors.allInnerTexts();
    expect(third).toMatch(/^3\s+身份证号\s+.*身份证号不正确/);
    expect(fourth).toMatch(/^4\s+个人自付金额\s+.*应填数字/);
    const rows = await page.getByTestId("screening-rows").locator("tbody tr.ant-table-row").allInnerTexts();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain("已推送核实");
    expect(rows[3]).toContain("未匹配到农户");
    // ID numbers are masked on screen.
    expect(rows.join("\n")).not.toContain(idNumber);

    const lead = await prisma.case.findFirstOrThrow({
      where: { household: { number: "990101001001-7701" } },
      include: { region: true, tasks: true },
    });
    expect(lead).toMatchObject({
      kind: "DEPARTMENT_LEAD",
      channel: "DEPARTMENT_SCREENING",
      stage: "VILLAGE_VERIFICATION",
      region: { code: "990101001001" },
    });
    expect(lead.tasks).toHaveLength(1);

    // Running the same file again raises nothing twice.
    await page.getByTestId("screening-run").click();
    await expect.poll(() => page.getByTestId("screening-counts").innerText()).toMatch(/此前已推送\s+1/);
    expect(await prisma.case.count({ where: { household: { number: "990101001001-7701" } } })).toBe(1);

    // Once retention deleted the file, the page says so and offers no run.
    const imported = await prisma.screeningImport.findFirstOrThrow({ where: { fileName: "医保局2026Q4.csv" } });
    await prisma.screeningImport.update({ where: { id: imported.id }, data: { fileDeletedAt: new Date("2027-03-01T02:00:00Z") } });
    await page.reload();
    await expect.poll(() => page.getByTestId("screening-file-deleted").innerText()).toContain("已于 2027/03/01 按保存期限删除");
    expect(await page.getByTestId("screening-run").isDisabled()).toBe(true);
    expect(await page.getByTestId("screening-counts").innerText()).toMatch(/此前已推送\s+1/);
    await page.context().close();
  });

  it(
    "declares a large-scale risk event: every household of the villages gets a lead, and the event tracks them",
    { timeout: 90_000 },
    async () => {
      const prisma = t.database.db.prisma;
      const page = await consoleAs("county");
      await page.getByRole("menuitem", { name: "规模性风险" }).click();
      await page.getByTestId("declare-event").click();
      await page.getByTestId("event-title").fill("白沙河洪水");
      await page.getByTestId("event-villages").click();
      await page.locator(".ant-select-tree-treenode", { hasText: "白沙村" }).locator(".ant-select-tree-checkbox").click();
      // A click on the dialog's title closes the tree; Escape would close the whole dialog once the tree was shut.
      await page.getByRole("dialog").locator(".ant-modal-title").click();
      await expect.poll(() => page.locator(".ant-select-tree:visible").count()).toBe(0);
      await page.getByLabel("全部农户").check();
      await page.getByTestId("event-submit").click();

      const progress = page.getByTestId("event-progress");
      // Declaring opens a lead per household of the village in one request: the heaviest click of the console, which
      // on a machine busy with the rest of the suite can outlast the usual wait.
      await progress.waitFor({ timeout: 45_000 });
      const households = await prisma.household.count({
        where: { region: { path: { startsWith: (await prisma.region.findUniqueOrThrow({ where: { code: "990101002001" } })).path } } },
      });
      expect(households).toBeGreaterThan(0);
      expect(Number(await progress.getAttribute("data-total"))).toBe(households);
      expect(await page.getByTestId("event-households").locator("tbody tr.ant-table-row").count()).toBe(Math.min(households, 20));
      const event = await prisma.riskEvent.findFirstOrThrow({ where: { title: "白沙河洪水" } });
      const leads = await prisma.case.findMany({ where: { riskEventId: event.id } });
      expect(leads.length).toBeGreaterThan(0);
      expect(leads.every((c) => c.channel === "RISK_EVENT" && c.regionPath.includes("990101002001"))).toBe(true);

      // The village sees the checks in its own console queue.
      const village = await consoleAs("village-baisha");
      await village.getByRole("menuitem", { name: "案件队列" }).click();
      await pick(village, "filter-channel", "规模性风险");
      await expect.poll(async () => (await queueNumbers(village)).sort()).toEqual(leads.map((c) => c.number).sort());
      await village.context().close();
      await page.context().close();
    },
  );

  it("switches to English and keeps it", async () => {
    const page = await consoleAs("township-liuxi");
    await page.getByText("English", { exact: true }).click();
    await expect.poll(() => page.getByRole("menuitem", { name: "Case queue" }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByRole("menuitem", { name: "Case queue" }).count()).toBe(1);
    await page.context().close();
  });

  it(
    "warns the county desk of next year's missing holiday arrangement; the administrator loads it, with the bad lines named first",
    { timeout: 90_000 },
    async () => {
      // 25 November 2026 on the test clock: the 2027 arrangement is awaited.
      const county = await consoleAs("county");
      await expect.poll(() => county.getByTestId("calendar-banner").innerText()).toContain("2027 年的国家放假安排还没有导入");
      await county.context().close();

      const page = await consoleAs("admin");
      await page.getByTestId("calendar-banner").getByRole("button").click();
      await page.getByTestId("calendar-years").waitFor();
      await expect
        .poll(() => page.getByTestId("calendar-years").locator("tr", { hasText: "2027" }).first().innerText())
        .toContain("暂按法定节假日推算");
      await page.getByTestId("calendar-holidays").fill("2027-01-01\n2027-02-05 至 2027-02-11\n二月五号");
      await page.getByTestId("calendar-makeup").fill("2027-02-12");
      await page.getByTestId("calendar-submit").click();
      // Read on the page first, then checked by the server: a line it cannot read, then a make-up day that is a Friday.
      await expect.poll(() => page.getByTestId("calendar-load").innerText()).toContain("第 3 行“二月五号”看不懂");
      await page.getByTestId("calendar-holidays").fill("2027-01-01\n2027-02-05 至 2027-02-11");
      await page.getByTestId("calendar-submit").click();
      await expect.poll(() => page.getByTestId("calendar-load").innerText()).toContain("2027-02-12 不是周六或周日");
      await page.getByTestId("calendar-makeup").fill("2027-02-13");
      await page.getByTestId("calendar-submit").click();
      await expect.poll(() => page.locator(".ant-message").innerText()).toContain("2027 年的放假安排已导入(第 1 版)");
      await expect
        .poll(() => page.getByTestId("calendar-years").locator("tr", { hasText: "2027" }).first().innerText())
        .toContain("已导入的国家安排");
      // Elsewhere in the console the banner is gone.
      await page.getByRole("menuitem", { name: "工作概览" }).click();
      await page.getByRole("menuitem", { name: "案件队列" }).click();
      await page.getByTestId("queue-table").waitFor();
      expect(await page.getByTestId("calendar-banner").count()).toBe(0);
      await page.context().close();
    },
  );
});
