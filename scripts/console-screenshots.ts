/**
 * Takes the README's screenshots of the console and the status page from a
 * running demo server (`npm start` on an empty data directory), in Chinese at
 * 1366×768. It uploads a sample department file and declares a sample risk
 * event on that server first, so run it on a throwaway demo.
 *
 *   BASE_URL=http://127.0.0.1:3000 npx tsx scripts/console-screenshots.ts
 *
 * Chromium needs CJK fonts for readable pictures (Debian: fonts-wqy-microhei).
 */
import type { Page } from "playwright-core";
import { demoIdNumber, demoPassword } from "../server/demo/demo-county.ts";
import { launchChromium } from "../test/helpers/browser.ts";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const out = new URL("../docs/screenshots/", import.meta.url).pathname;
const browser = await launchChromium();

async function consoleAs(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${base}/console/`);
  await page.fill("#username", username);
  await page.fill("#password", demoPassword);
  await page.keyboard.press("Enter");
  await page.locator("[data-testid=live-state][data-state=live]").waitFor();
  return page;
}

const settle = (page: Page) => page.waitForTimeout(1200);

const county = await consoleAs("county");
await settle(county);
await county.screenshot({ path: `${out}console-dashboard.png` });

const township = await consoleAs("township-liuxi");
await township.goto(`${base}/console/#/queue`);
await settle(township);
await township.screenshot({ path: `${out}console-queue.png` });
await township.getByRole("link", { name: "2026-000001" }).click();
await settle(township);
await township.screenshot({ path: `${out}console-case.png` });

await county.goto(`${base}/console/#/screening`);
await county.getByTestId("screening-department").click();
await county.locator(".ant-select-item-option", { hasText: "医保局" }).click();
const csv = [
  "姓名,身份证号,个人自付金额,医疗总费用",
  `张德福,${demoIdNumber("1956-03-07", 31)},32000,50000`,
  "李某,110101199003070000,5000,8000",
  `周某,${demoIdNumber("1972-02-02", 88)},不详,300`,
  `吴某,${demoIdNumber("1981-01-01", 95)},20000,30000`,
].join("\r\n");
await county.locator("input[type=file]").setInputFiles({ name: "医保局2026Q4.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
await county.getByTestId("screening-run").click();
await county.getByTestId("screening-errors").waitFor();
await settle(county);
await county.screenshot({ path: `${out}console-screening.png`, fullPage: true });

await county.goto(`${base}/console/#/events`);
await county.getByTestId("declare-event").click();
await county.getByTestId("event-title").fill("白沙河洪水");
await county.getByTestId("event-villages").click();
await county.locator(".ant-select-tree-treenode", { hasText: "白沙村" }).locator(".ant-select-tree-checkbox").click();
await county.keyboard.press("Escape");
await county.getByTestId("event-submit").click();
await county.getByTestId("event-progress").waitFor();
await settle(county);
await county.screenshot({ path: `${out}console-risk-event.png` });

const phone = await browser.newPage({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 2 });
await phone.goto(`${base}/status?code=dev:demo&case=2026-000001`);
await phone.getByTestId("status-timeline").waitFor();
await settle(phone);
await phone.screenshot({ path: `${out}status-page.png` });

await browser.close();
console.log(`screenshots written to ${out}`);
