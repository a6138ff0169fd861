import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LAW_FIRST_YEAR, LAW_LAST_YEAR, statutoryYear } from "../../../../server/core/calendar/statutory-holidays.ts";
import { builtInYearCalendar } from "../../../../server/core/calendar/working-days.ts";

describe("the days off the holiday law gives (provisional calendar)", () => {
  it("2027: 元旦, 春节 from 除夕 (5 Feb) to 初三, 清明, 劳动节, 端午, 中秋, 国庆, and the weekend days made up", () => {
    expect(statutoryYear(2027)).toEqual({
      year: 2027,
      holidays: [
        "2027-01-01",
        // 除夕 Fri 5 Feb to 初三 Mon 8 Feb; 初一 and 初二 fall on the weekend and are made up on Tue 9 and Wed 10.
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-04-05",
        // 1–2 May are a Saturday and Sunday: made up on Mon 3 and Tue 4.
        "2027-05-01",
        "2027-05-02",
        "2027-05-03",
        "2027-05-04",
        "2027-06-09",
        "2027-09-15",
        // 2–3 October are a weekend: made up on Mon 4 and Tue 5.
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
        "2027-10-04",
        "2027-10-05",
      ],
      madeUp: ["2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"],
    });
  });

  it("makes up a New Year's Day on a Saturday on the Monday, and a 中秋 that falls inside 国庆 after it", () => {
    const y2028 = statutoryYear(2028);
    expect(y2028.madeUp).toContain("2028-01-03");
    // 中秋 2028 is Tue 3 October: National Day's Sunday and the coinciding day are both owed.
    expect(y2028.holidays.filter((d) => d.startsWith("2028-10"))).toEqual([
      "2028-10-01",
      "2028-10-02",
      "2028-10-03",
      "2028-10-04",
      "2028-10-05",
    ]);
  });

  it("gives only days that the official arrangements of 2025 and 2026 also gave off", () => {
    for (const year of [2025, 2026]) {
      const official = new Set(builtInYearCalendar(year).holidays);
      for (const day of statutoryYear(year).holidays) expect(official.has(day), `${day} is off in the ${year} arrangement`).toBe(true);
    }
  });

  it("covers the revised law's years only", () => {
    expect(() => statutoryYear(LAW_FIRST_YEAR - 1)).toThrow(RangeError);
    expect(() => statutoryYear(LAW_LAST_YEAR + 1)).toThrow(RangeError);
    expect(statutoryYear(LAW_LAST_YEAR).holidays.length).toBeGreaterThanOrEqual(13);
  });

  it("answers the same in any time zone", () => {
    const moduleUrl = new URL("../../../../server/core/calendar/statutory-holidays.ts", import.meta.url).href;
    const script = `const m = await import(${JSON.stringify(moduleUrl)}); console.log(JSON.stringify([2027, 2031, 2040].map((y) => m.statutoryYear(y))));`;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          cwd: fileURLToPath(new URL("../../../../", import.meta.url)),
          env: { ...process.env, TZ: tz },
          encoding: "utf8",
        }),
      );
    const shanghai = run("Asia/Shanghai");
    expect(run("America/Los_Angeles")).toEqual(shanghai);
    expect(run("Pacific/Kiritimati")).toEqual(shanghai);
  }, 30_000);
});
