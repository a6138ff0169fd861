import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import cd from "chinese-days";
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import {
  BUILT_IN_FIRST_YEAR,
  BUILT_IN_LAST_YEAR,
  UncoveredYearError,
  WorkingDayCalendar,
  builtInYearCalendar,
  yearCalendarSchema,
  type YearCalendar,
} from "../../../../server/core/calendar/working-days.ts";

/** An instant at the given China wall-clock time (default: noon, far from any day boundary). */
function cst(date: string, time = "12:00:00.000"): Date {
  return new Date(`${date}T${time}+08:00`);
}

/** The deadline Date that addWorkingDays should return for a China calendar day. */
function endOfCst(date: string): Date {
  return cst(date, "23:59:59.999");
}

const calendar = WorkingDayCalendar.builtIn();

/**
 * Official 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知). The library
 * data and this list agree date for date: Spring Festival Feb 15–23 with
 * make-up Saturdays Feb 14 and Feb 28; National Day Oct 1–7 with make-up days
 * Sun Sep 20 and Sat Oct 10 (Mid-Autumn Sep 25–27 is a separate break).
 */
const OFFICIAL_2026: YearCalendar = {
  year: 2026,
  holidays: [
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23",
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
  ],
  makeupWorkdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
};

/** Illustrative 2027 calendar for tests only; NOT the official schedule, which is unpublished as of writing. */
const FIXTURE_2027: YearCalendar = {
  year: 2027,
  holidays: [
    "2027-01-01",
    "2027-01-02",
    "2027-01-03",
    "2027-02-06",
    "2027-02-07",
    "2027-02-08",
    "2027-02-09",
    "2027-02-10",
    "2027-02-11",
    "2027-02-12",
  ],
  makeupWorkdays: ["2027-01-30", "2027-02-13"],
};

describe("built-in coverage", () => {
  it("covers exactly the years the library ships data for", () => {
    expect(BUILT_IN_FIRST_YEAR).toBe(2004);
    expect(BUILT_IN_LAST_YEAR).toBe(2026);
    expect(calendar.covers(2004)).toBe(true);
    expect(calendar.covers(2015)).toBe(true);
    expect(calendar.covers(2026)).toBe(true);
    expect(calendar.covers(2003)).toBe(false);
    expect(calendar.covers(2027)).toBe(false);
  });

  // Tripwire: when chinese-days gains 2027 data, this fails so BUILT_IN_LAST_YEAR gets raised deliberately.
  it("matches the library: data for the edge years, none just outside them", () => {
    const entries = (year: number): number =>
      [...Object.keys(chineseDays.holidays), ...Object.keys(chineseDays.workdays)].filter((iso) => iso.startsWith(`${year}-`)).length;
    expect(entries(2003)).toBe(0);
    expect(entries(2004)).toBeGreaterThan(0);
    expect(entries(2026)).toBeGreaterThan(0);
    expect(entries(2027)).toBe(0);
  });

  it("extracts the official 2026 schedule from the library", () => {
    expect(builtInYearCalendar(2026)).toEqual(OFFICIAL_2026);
  });

  it("refuses to extract a year the library does not cover", () => {
    expect(() => builtInYearCalendar(2027)).toThrow(UncoveredYearError);
    expect(() => builtInYearCalendar(2003)).toThrow(UncoveredYearError);
  });

  // chinese-days' own API shifts its whole table a day earlier when imported in a UTC-negative TZ;
  // a fresh process is needed because the damage happens at import time.
  it("gives the same answers when the process starts in a UTC-negative or far-positive time zone", () => {
    const moduleUrl = new URL("../../../../server/core/calendar/working-days.ts", import.meta.url).href;
    const script = `
      const m = await import(${JSON.stringify(moduleUrl)});
      const c = m.WorkingDayCalendar.builtIn();
      const at = (d) => new Date(d + "T12:00:00+08:00");
      console.log(JSON.stringify({
        year: m.builtInYearCalendar(2026),
        feb14: c.isWorkingDay(at("2026-02-14")),
        feb13Plus5: c.addWorkingDays(at("2026-02-13"), 5).toISOString(),
      }));`;
    for (const tz of ["America/Los_Angeles", "Pacific/Kiritimati"]) {
      const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: fileURLToPath(new URL("../../../../", import.meta.url)),
        env: { ...process.env, TZ: tz },
        encoding: "utf8",
      });
      expect(JSON.parse(out), tz).toEqual({
        year: OFFICIAL_2026,
        feb14: true,
        feb13Plus5: "2026-02-27T15:59:59.999Z",
      });
    }
  }, 30_000);
});

describe("isWorkingDay", () => {
  it("treats plain weekdays as working and weekends as off", () => {
    expect(calendar.isWorkingDay(cst("2026-03-09"))).toBe(true); // Mon
    expect(calendar.isWorkingDay(cst("2026-03-13"))).toBe(true); // Fri
    expect(calendar.isWorkingDay(cst("2026-03-14"))).toBe(false); // Sat
    expect(calendar.isWorkingDay(cst("2026-03-15"))).toBe(false); // Sun
  });

  it("follows the 2026 Spring Festival schedule", () => {
    expect(calendar.isWorkingDay(cst("2026-02-13"))).toBe(true);
    expect(calendar.isWorkingDay(cst("2026-02-14"))).toBe(true); // make-up Saturday
    for (const day of ["15", "16", "17", "18", "19", "20", "21", "22", "23"]) {
      expect(calendar.isWorkingDay(cst(`2026-02-${day}`)), `2026-02-${day}`).toBe(false);
    }
    expect(calendar.isWorkingDay(cst("2026-02-24"))).toBe(true);
    expect(calendar.isWorkingDay(cst("2026-02-28"))).toBe(true); // make-up Saturday
    expect(calendar.isWorkingDay(cst("2026-03-01"))).toBe(false); // ordinary Sunday
  });

  it("follows the 2026 National Day schedule", () => {
    expect(calendar.isWorkingDay(cst("2026-09-20"))).toBe(true); // make-up Sunday
    expect(calendar.isWorkingDay(cst("2026-09-25"))).toBe(false); // Mid-Autumn, a Friday
    expect(calendar.isWorkingDay(cst("2026-09-30"))).toBe(true);
    for (let d = 1; d <= 7; d++) {
      expect(calendar.isWorkingDay(cst(`2026-10-0${d}`)), `2026-10-0${d}`).toBe(false);
    }
    expect(calendar.isWorkingDay(cst("2026-10-08"))).toBe(true);
    expect(calendar.isWorkingDay(cst("2026-10-10"))).toBe(true); // make-up Saturday
    expect(calendar.isWorkingDay(cst("2026-10-11"))).toBe(false);
  });

  it("decides by the China calendar day, not the UTC day", () => {
    // 00:30 Tue 24 Feb in China is still Mon 23 Feb (a holiday) in UTC.
    expect(calendar.isWorkingDay(new Date("2026-02-23T16:30:00Z"))).toBe(true);
    // 23:30 Mon 23 Feb in China is 15:30Z the same day: holiday either way, but checks the late-evening edge.
    expect(calendar.isWorkingDay(cst("2026-02-23", "23:30:00.000"))).toBe(false);
    expect(calendar.isWorkingDay(new Date("2026-03-13T15:59:59.999Z"))).toBe(true); // Fri 23:59:59.999 CST
    expect(calendar.isWorkingDay(new Date("2026-03-13T16:00:00.000Z"))).toBe(false); // Sat 00:00 CST
  });

  it("counts 2027 on the holiday law rather than guessing from weekdays", () => {
    // The library itself would call this a workday.
    expect(cd.isWorkday(new Date(2027, 0, 1))).toBe(true);
    expect(calendar.sourceOf(2027)).toBe("provisional");
    expect(calendar.isWorkingDay(cst("2027-01-01"))).toBe(false);
    expect(calendar.isWorkingDay(cst("2027-01-04"))).toBe(true);
  });

  it("reads an instant that is already 2027 in China, though still 2026 in UTC, on 2027's calendar", () => {
    expect(calendar.isWorkingDay(new Date("2026-12-31T15:59:59.999Z"))).toBe(true);
    expect(calendar.isWorkingDay(new Date("2026-12-31T16:00:00.000Z"))).toBe(false);
  });

  it("refuses years before the built-in range and past the provisional one", () => {
    const err = (() => {
      try {
        calendar.isWorkingDay(cst("2003-10-01"));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UncoveredYearError);
    expect(err).toMatchObject({ year: 2003, code: "CALENDAR_YEAR_NOT_COVERED", name: "UncoveredYearError" });
    expect((err as Error).message).toMatch(/2003/);
    expect(calendar.sourceOf(2003)).toBeNull();
    expect(() => calendar.isWorkingDay(cst("2200-01-05"))).toThrow(UncoveredYearError);
  });

  it("rejects an invalid Date", () => {
    expect(() => calendar.isWorkingDay(new Date("not a date"))).toThrow(RangeError);
  });
});

describe("addWorkingDays", () => {
  it("counts plain weekdays, skipping the weekend, and returns the end of the day in China time", () => {
    const deadline = calendar.addWorkingDays(cst("2026-03-09"), 5); // Mon
    expect(deadline).toEqual(endOfCst("2026-03-16"));
    expect(deadline.toISOString()).toBe("2026-03-16T15:59:59.999Z");
  });

  it("does not count the start day even when received first thing in the morning", () => {
    expect(calendar.addWorkingDays(cst("2026-03-09", "00:00:00.000"), 1)).toEqual(endOfCst("2026-03-10"));
  });

  it("uses the China day of the start instant", () => {
    // 16:30Z on Thu 12 Mar is Fri 13 Mar 00:30 in China, so the first working day is Mon 16 Mar.
    expect(calendar.addWorkingDays(new Date("2026-03-12T16:30:00Z"), 1)).toEqual(endOfCst("2026-03-16"));
    expect(calendar.addWorkingDays(new Date("2026-03-12T15:30:00Z"), 1)).toEqual(endOfCst("2026-03-13"));
  });

  it("lands after the Spring Festival break when started the working day before it", () => {
    // Fri 13 Feb: Sat 14 (make-up), then 24, 25, 26, 27 Feb.
    expect(calendar.addWorkingDays(cst("2026-02-13"), 5)).toEqual(endOfCst("2026-02-27"));
  });

  it("counts the make-up Saturday after the break", () => {
    // Sat 14 Feb (make-up, start day not counted): 24, 25, 26, 27, then Sat 28 Feb (make-up).
    expect(calendar.addWorkingDays(cst("2026-02-14"), 5)).toEqual(endOfCst("2026-02-28"));
  });

  it("spans National Day and counts the make-up Saturday after it", () => {
    // Wed 30 Sep: Thu 8 Oct, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    expect(calendar.addWorkingDays(cst("2026-09-30"), 5)).toEqual(endOfCst("2026-10-13"));
  });

  it("counts the make-up Sunday before National Day", () => {
    // Fri 18 Sep: Sun 20 Sep is the first working day.
    expect(calendar.addWorkingDays(cst("2026-09-18"), 1)).toEqual(endOfCst("2026-09-20"));
  });

  it("starts from a holiday or a weekend", () => {
    expect(calendar.addWorkingDays(cst("2026-10-03"), 1)).toEqual(endOfCst("2026-10-08")); // inside National Day
    expect(calendar.addWorkingDays(cst("2026-02-18"), 1)).toEqual(endOfCst("2026-02-24")); // inside Spring Festival
    expect(calendar.addWorkingDays(cst("2026-03-14"), 1)).toEqual(endOfCst("2026-03-16")); // ordinary Saturday
    expect(calendar.addWorkingDays(cst("2026-03-15"), 2)).toEqual(endOfCst("2026-03-17")); // ordinary Sunday
  });

  it("crosses a year boundary inside the covered range", () => {
    // Tue 30 Dec 2025: Wed 31 Dec, then 1–3 Jan 2026 off, Sun 4 Jan (make-up).
    expect(calendar.addWorkingDays(cst("2025-12-30"), 2)).toEqual(endOfCst("2026-01-04"));
  });

  it("counts a deadline that runs into 2027 on the provisional calendar and says so", () => {
    expect(calendar.deadline(cst("2026-12-29"), 2)).toEqual({ at: endOfCst("2026-12-31"), provisional: false });
    // Mon 28 Dec 2026 + 5: Dec 29, 30, 31, then New Year's Day (law) and the weekend are skipped: Jan 4, Jan 5.
    expect(calendar.deadline(cst("2026-12-28"), 5)).toEqual({ at: endOfCst("2027-01-05"), provisional: true });
    expect(calendar.addWorkingDays(cst("2026-12-28"), 5)).toEqual(endOfCst("2027-01-05"));
  });

  it("counts the Spring Festival 2027 (除夕 5 February to 初三 8 February, and the weekend days made up after) as off", () => {
    // Thu 4 Feb + 1: Fri 5 Feb (除夕) … Wed 10 Feb are off; Thu 11 Feb is the first working day.
    expect(calendar.deadline(cst("2027-02-04"), 1)).toEqual({ at: endOfCst("2027-02-11"), provisional: true });
    for (const day of ["05", "06", "07", "08"]) expect(calendar.isWorkingDay(cst(`2027-02-${day}`)), `2027-02-${day}`).toBe(false);
  });

  it("refuses a deadline that runs past every calendar", () => {
    expect(() => calendar.addWorkingDays(cst("2199-12-30"), 5)).toThrow(
      expect.objectContaining({ year: 2200, code: "CALENDAR_YEAR_NOT_COVERED" }),
    );
  });

  it("requires n to be an integer >= 1", () => {
    const start = cst("2026-03-09");
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => calendar.addWorkingDays(start, n), String(n)).toThrow(RangeError);
    }
  });

  it("rejects an invalid start Date", () => {
    expect(() => calendar.addWorkingDays(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe("workingDaysBetween", () => {
  it("counts working days after from's day up to and including to's day", () => {
    expect(calendar.workingDaysBetween(cst("2026-03-09"), cst("2026-03-16"))).toBe(5);
    expect(calendar.workingDaysBetween(cst("2026-02-13"), cst("2026-02-27"))).toBe(5);
    expect(calendar.workingDaysBetween(cst("2026-02-27"), cst("2026-02-28"))).toBe(1); // make-up Saturday
    expect(calendar.workingDaysBetween(cst("2026-02-14"), cst("2026-02-23"))).toBe(0); // whole break
  });

  it("is 0 on the same day and when to is before from", () => {
    expect(calendar.workingDaysBetween(cst("2026-03-09", "08:00:00.000"), cst("2026-03-09", "20:00:00.000"))).toBe(0);
    expect(calendar.workingDaysBetween(cst("2026-03-16"), cst("2026-03-09"))).toBe(0);
  });

  it("compares China days, not elapsed time", () => {
    // 23:00 Mon to 01:00 Tue China time: two hours, but one working day boundary.
    expect(calendar.workingDaysBetween(cst("2026-03-09", "23:00:00.000"), cst("2026-03-10", "01:00:00.000"))).toBe(1);
  });

  it("inverts addWorkingDays", () => {
    for (const start of ["2026-02-12", "2026-02-14", "2026-09-18", "2026-09-30", "2026-10-04", "2025-12-30"]) {
      for (const n of [1, 3, 5, 10]) {
        const deadline = calendar.addWorkingDays(cst(start), n);
        expect(calendar.workingDaysBetween(cst(start), deadline), `${start} + ${n}`).toBe(n);
      }
    }
  });

  it("counts a range that reaches into 2027 on the provisional calendar", () => {
    // Dec 30, Dec 31, Jan 4, Jan 5.
    expect(calendar.workingDaysBetween(cst("2026-12-29"), cst("2027-01-05"))).toBe(4);
  });
});

describe("extra years loaded as data", () => {
  const with2027 = new WorkingDayCalendar([FIXTURE_2027]);

  it("makes 2027 computable and respects its holidays and make-up days", () => {
    expect(with2027.covers(2027)).toBe(true);
    expect(with2027.covers(2026)).toBe(true);
    expect(with2027.isWorkingDay(cst("2027-01-01"))).toBe(false); // the library alone says workday
    expect(with2027.isWorkingDay(cst("2027-01-04"))).toBe(true);
    expect(with2027.isWorkingDay(cst("2027-02-10"))).toBe(false); // holiday on a Wednesday
    expect(with2027.isWorkingDay(cst("2027-02-13"))).toBe(true); // make-up Saturday
  });

  it("computes the deadline from 2026-12-29 across New Year 2027", () => {
    // Wed 30, Thu 31 Dec, then 1–3 Jan off, Mon 4, Tue 5, Wed 6 Jan.
    expect(with2027.addWorkingDays(cst("2026-12-29"), 5)).toEqual(endOfCst("2027-01-06"));
    expect(with2027.workingDaysBetween(cst("2026-12-29"), cst("2027-01-06"))).toBe(5);
  });

  it("computes across the loaded Spring Festival break", () => {
    // Fri 5 Feb: 6–12 off, Sat 13 (make-up), Mon 15, Tue 16.
    expect(with2027.addWorkingDays(cst("2027-02-05"), 3)).toEqual(endOfCst("2027-02-16"));
  });

  it("leaves the years that were not loaded provisional", () => {
    expect(with2027.covers(2028)).toBe(false);
    expect(with2027.sourceOf(2028)).toBe("provisional");
    expect(with2027.sourceOf(2027)).toBe("official");
    // Saturday 1 January 2028 is made up on Monday the 3rd (Article 6 of the holiday law).
    expect(with2027.isWorkingDay(cst("2028-01-03"))).toBe(false);
    expect(with2027.deadline(cst("2027-01-04"), 5).provisional).toBe(false);
  });

  it("puts loaded years into force and out again", () => {
    const live = new WorkingDayCalendar();
    expect(live.isWorkingDay(cst("2027-02-11"))).toBe(true);
    live.setOfficialYears([FIXTURE_2027]);
    expect(live.isWorkingDay(cst("2027-02-11"))).toBe(false);
    expect(live.deadline(cst("2026-12-29"), 5)).toEqual({ at: endOfCst("2027-01-06"), provisional: false });
    live.setOfficialYears([]);
    expect(live.sourceOf(2027)).toBe("provisional");
  });

  it("does not change the built-in calendar", () => {
    expect(calendar.sourceOf(2027)).toBe("provisional");
    // Thu 11 Feb 2027: off in the fixture's break, a working day by the law alone.
    expect(calendar.isWorkingDay(cst("2027-02-11"))).toBe(true);
    expect(with2027.isWorkingDay(cst("2027-02-11"))).toBe(false);
  });

  it("replaces a built-in year wholesale", () => {
    const corrected = new WorkingDayCalendar([{ year: 2026, holidays: ["2026-03-10"], makeupWorkdays: ["2026-03-14"] }]);
    expect(corrected.isWorkingDay(cst("2026-03-10"))).toBe(false);
    expect(corrected.isWorkingDay(cst("2026-03-14"))).toBe(true);
    expect(corrected.isWorkingDay(cst("2026-02-16"))).toBe(true); // built-in holiday no longer applies
    expect(calendar.isWorkingDay(cst("2026-03-10"))).toBe(true);
  });

  it("validates loaded calendars", () => {
    expect(() => new WorkingDayCalendar([{ year: 2027, holidays: ["2028-01-01"], makeupWorkdays: [] }])).toThrow();
  });

  it("rejects the same year loaded twice", () => {
    expect(() => new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2027])).toThrow(/2027/);
  });
});

describe("yearCalendarSchema", () => {
  it("accepts a well-formed calendar", () => {
    expect(yearCalendarSchema.safeParse(FIXTURE_2027).success).toBe(true);
    expect(yearCalendarSchema.safeParse(OFFICIAL_2026).success).toBe(true);
  });

  it("rejects a date outside its year", () => {
    const result = yearCalendarSchema.safeParse({ ...FIXTURE_2027, holidays: ["2026-12-31"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["holidays", 0]);
  });

  it("rejects malformed and impossible dates", () => {
    for (const bad of ["2027-1-5", "2027/01/05", "20270105", "2027-02-30", "2027-13-01", ""]) {
      const result = yearCalendarSchema.safeParse({ year: 2027, holidays: [bad], makeupWorkdays: [] });
      expect(result.success, bad).toBe(false);
    }
  });

  it("rejects a make-up workday on a weekday or that is also a holiday", () => {
    expect(yearCalendarSchema.safeParse({ year: 2027, holidays: [], makeupWorkdays: ["2027-01-04"] }).success).toBe(false);
    expect(yearCalendarSchema.safeParse({ year: 2027, holidays: ["2027-01-30"], makeupWorkdays: ["2027-01-30"] }).success).toBe(false);
  });

  it("rejects a non-integer year", () => {
    expect(yearCalendarSchema.safeParse({ year: 2027.5, holidays: [], makeupWorkdays: [] }).success).toBe(false);
  });
});
