// The pre-built JSON rather than the library's functions: its JS API builds its
// tables at import time by parsing "YYYY-M-D" as UTC and formatting with local
// getters, so in any UTC-negative TZ every holiday and make-up day shifts one
// day earlier (seen under TZ=America/Los_Angeles: 2026-02-14 reported as off,
// 2026-02-13 as the make-up day). The JSON is date-keyed text, identical to the
// API's answers under TZ=UTC for every day of 2003–2027 (checked when written).
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { z } from "zod";
import { chinaDay, endOfChinaDay, MS_PER_DAY } from "./china-time.ts";

/**
 * Chinese statutory working-day calendar for deadlines such as "within 5
 * working days of receiving the application".
 *
 * All calendar-day reasoning happens in China Standard Time (UTC+8, no DST),
 * whatever the server's TZ, because the deadlines are legal facts in China and
 * must not move when the process runs in UTC.
 */

/**
 * Years for which chinese-days 1.5.7 actually ships the State Council
 * schedule. Verified by (a) `node_modules/chinese-days/src/holidays/generate.ts`
 * declaring `arrangement.y(2004)` … `y(2026)` and nothing else, (b)
 * `dist/years/` holding exactly 2004.json … 2026.json, (c) every year of
 * `dist/chinese-days.json` from 2004 to 2026 having holiday and make-up entries
 * (first key 2004-01-01, last 2026-10-10) while 2003 and 2027 have none: the
 * library then silently answers from weekdays alone (it calls 2027-01-01 a
 * workday). A tripwire test fails when an upgraded library starts covering 2027.
 */
export const BUILT_IN_FIRST_YEAR = 2004;
export const BUILT_IN_LAST_YEAR = 2026;

export interface YearCalendar {
  year: number;
  /** Statutory days off (may include weekend days inside a holiday break). */
  holidays: string[];
  /** Adjusted make-up workdays (调休上班), always a Saturday or Sunday. */
  makeupWorkdays: string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO date, or undefined if it is not a real calendar date. */
function parseIsoDay(iso: string): number | undefined {
  const m = ISO_DATE.exec(iso);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March; a round trip exposes that.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

function dayToIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function dayYear(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

function isWeekend(day: number): boolean {
  const weekday = new Date(day * MS_PER_DAY).getUTCDay();
  return weekday === 0 || weekday === 6;
}

const isoDateSchema = z
  .string()
  .refine((s) => parseIsoDay(s) !== undefined, { message: "Expected a real calendar date as YYYY-MM-DD" });

export const yearCalendarSchema = z
  .object({
    year: z.number().int().min(1000).max(9999),
    holidays: z.array(isoDateSchema),
    makeupWorkdays: z.array(isoDateSchema),
  })
  .superRefine((cal, ctx) => {
    const holidaySet = new Set(cal.holidays);
    for (const field of ["holidays", "makeupWorkdays"] as const) {
      cal[field].forEach((iso, index) => {
        const day = parseIsoDay(iso);
        // Malformed dates were already reported by the element schema.
        if (day === undefined) return;
        if (dayYear(day) !== cal.year) {
          ctx.addIssue({ code: "custom", path: [field, index], message: `${iso} is not in ${cal.year}` });
        }
        if (field === "makeupWorkdays") {
          // A weekday "make-up" day changes nothing, so it can only be a typo in the loaded data.
          if (!isWeekend(day)) {
            ctx.addIssue({ code: "custom", path: [field, index], message: `${iso} is not a Saturday or Sunday` });
          }
          if (holidaySet.has(iso)) {
            ctx.addIssue({ code: "custom", path: [field, index], message: `${iso} is both a holiday and a make-up workday` });
          }
        }
      });
    }
  });

export class UncoveredYearError extends Error {
  readonly code = "CALENDAR_YEAR_NOT_COVERED" as const;

  constructor(readonly year: number) {
    super(
      `No official working-day calendar is loaded for ${year}; load that year's holiday schedule before computing working days in it.`,
    );
    this.name = "UncoveredYearError";
  }
}

const libraryData: { holidays: Record<string, string>; workdays: Record<string, string> } = chineseDays;

/** The chinese-days schedule for one built-in year. */
export function builtInYearCalendar(year: number): YearCalendar {
  if (!Number.isInteger(year) || year < BUILT_IN_FIRST_YEAR || year > BUILT_IN_LAST_YEAR) {
    throw new UncoveredYearError(year);
  }
  const prefix = `${year}-`;
  const inYear = (table: Record<string, string>): string[] =>
    Object.keys(table)
      .filter((iso) => iso.startsWith(prefix))
      .sort();
  return { year, holidays: inYear(libraryData.holidays), makeupWorkdays: inYear(libraryData.workdays) };
}

interface YearSets {
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
}

function toSets(cal: YearCalendar): YearSets {
  return { holidays: new Set(cal.holidays), makeupWorkdays: new Set(cal.makeupWorkdays) };
}

let builtInYears: ReadonlyMap<number, YearSets> | undefined;

// Built once per process: the library data is immutable and every calendar instance starts from it.
function getBuiltInYears(): ReadonlyMap<number, YearSets> {
  if (!builtInYears) {
    const years = new Map<number, YearSets>();
    for (let y = BUILT_IN_FIRST_YEAR; y <= BUILT_IN_LAST_YEAR; y++) {
      years.set(y, toSets(builtInYearCalendar(y)));
    }
    builtInYears = years;
  }
  return builtInYears;
}

export class WorkingDayCalendar {
  readonly #years: ReadonlyMap<number, YearSets>;

  /**
   * Built-in years from chinese-days (BUILT_IN_FIRST_YEAR–BUILT_IN_LAST_YEAR),
   * plus extra years loaded as data (an office loads next year's official
   * calendar before the library has it). Extra years replace built-in ones
   * wholesale, since a published correction is authoritative for its year.
   */
  constructor(extraYears: YearCalendar[] = []) {
    const years = new Map(getBuiltInYears());
    const seen = new Set<number>();
    for (const raw of extraYears) {
      const cal = yearCalendarSchema.parse(raw);
      // Two calendars for one year would make the result depend on load order.
      if (seen.has(cal.year)) throw new Error(`Calendar for ${cal.year} was supplied more than once`);
      seen.add(cal.year);
      years.set(cal.year, toSets(cal));
    }
    this.#years = years;
  }

  static builtIn(): WorkingDayCalendar {
    return new WorkingDayCalendar();
  }

  covers(year: number): boolean {
    return this.#years.has(year);
  }

  isWorkingDay(date: Date): boolean {
    return this.#isWorkingChinaDay(chinaDay(date));
  }

  /**
   * The deadline n working days after `start`: the day of `start` itself does
   * not count; returns the END of the n-th working day (23:59:59.999) in China
   * time.
   */
  addWorkingDays(start: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`n must be an integer >= 1, got ${n}`);
    }
    let day = chinaDay(start);
    let remaining = n;
    // Terminates: every year either contains working days or, once past the loaded years, throws.
    while (remaining > 0) {
      day++;
      if (this.#isWorkingChinaDay(day)) remaining--;
    }
    return endOfChinaDay(day);
  }

  /** Working days strictly after `from`'s day up to and including `to`'s day (0 if to <= from). */
  workingDaysBetween(from: Date, to: Date): number {
    const fromDay = chinaDay(from);
    const toDay = chinaDay(to);
    let count = 0;
    for (let day = fromDay + 1; day <= toDay; day++) {
      if (this.#isWorkingChinaDay(day)) count++;
    }
    return count;
  }

  #isWorkingChinaDay(day: number): boolean {
    const year = dayYear(day);
    const sets = this.#years.get(year);
    if (!sets) throw new UncoveredYearError(year);
    const iso = dayToIso(day);
    if (sets.makeupWorkdays.has(iso)) return true;
    if (sets.holidays.has(iso)) return false;
    return !isWeekend(day);
  }
}
