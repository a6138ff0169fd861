// The pre-built JSON rather than the library's functions: its JS API builds its
// tables at import time by parsing "YYYY-M-D" as UTC and formatting with local
// getters, so in any UTC-negative TZ every holiday and make-up day shifts one
// day earlier (seen under TZ=America/Los_Angeles: 2026-02-14 reported as off,
// 2026-02-13 as the make-up day). The JSON is date-keyed text, identical to the
// API's answers under TZ=UTC for every day of 2003–2027 (checked when written).
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { z } from "zod";
import { chinaDate, chinaDay, endOfChinaDay, MS_PER_DAY } from "../china-time.ts";
import { LAW_FIRST_YEAR, LAW_LAST_YEAR, statutoryYear } from "./statutory-holidays.ts";

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

const isoDateSchema = z.string().refine((s) => parseIsoDay(s) !== undefined, { message: "validation.calendar.notADate" });

/** A year's days off and make-up workdays as an office types them in. */
export const yearCalendarShape = {
  year: z.number().int().min(BUILT_IN_FIRST_YEAR).max(LAW_LAST_YEAR),
  holidays: z.array(isoDateSchema).min(1, { message: "validation.calendar.noHolidays" }).max(366),
  makeupWorkdays: z.array(isoDateSchema).max(366),
};

/**
 * The checks across dates: each inside the year, none twice, make-up days on
 * weekends and never also days off (messages are translation keys with the
 * date and year as parameters, worded by describeIssue).
 */
export function checkYearCalendar(cal: { year: number; holidays: string[]; makeupWorkdays: string[] }, ctx: z.RefinementCtx): void {
  const holidaySet = new Set(cal.holidays);
  for (const field of ["holidays", "makeupWorkdays"] as const) {
    const seen = new Set<string>();
    cal[field].forEach((iso, index) => {
      const day = parseIsoDay(iso);
      // Malformed dates were already reported by the element schema.
      if (day === undefined) return;
      const issue = (message: string) =>
        ctx.addIssue({ code: "custom", path: [field, index], message, params: { date: iso, year: cal.year } });
      if (dayYear(day) !== cal.year) issue("validation.calendar.outsideYear");
      if (seen.has(iso)) issue("validation.calendar.repeated");
      seen.add(iso);
      if (field === "makeupWorkdays") {
        // A weekday "make-up" day changes nothing, so it can only be a typo in the loaded data.
        if (!isWeekend(day)) issue("validation.calendar.makeupNotWeekend");
        if (holidaySet.has(iso)) issue("validation.calendar.bothHolidayAndMakeup");
      }
    });
  }
}

export const yearCalendarSchema = z.object(yearCalendarShape).superRefine(checkYearCalendar);

export class UncoveredYearError extends Error {
  readonly code = "CALENDAR_YEAR_NOT_COVERED" as const;

  constructor(readonly year: number) {
    super(`No working-day calendar for ${year}: neither an official arrangement nor the holiday law (from ${LAW_FIRST_YEAR}) covers it.`);
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

/**
 * Where a year's calendar comes from: an arrangement an office loaded
 * ("official"), the one bundled with chinese-days ("built-in"), or, until
 * either exists, the holiday law alone ("provisional": statutory-holidays.ts).
 */
export type YearSource = "official" | "built-in" | "provisional";

/** A due date, and whether any day counted towards it lies in a provisional year. */
export interface Deadline {
  at: Date;
  provisional: boolean;
}

interface YearSets {
  source: YearSource;
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
}

function toSets(cal: YearCalendar, source: YearSource): YearSets {
  return { source, holidays: new Set(cal.holidays), makeupWorkdays: new Set(cal.makeupWorkdays) };
}

let builtInYears: ReadonlyMap<number, YearSets> | undefined;

// Built once per process: the library data is immutable and every calendar instance starts from it.
function getBuiltInYears(): ReadonlyMap<number, YearSets> {
  if (!builtInYears) {
    const years = new Map<number, YearSets>();
    for (let y = BUILT_IN_FIRST_YEAR; y <= BUILT_IN_LAST_YEAR; y++) {
      years.set(y, toSets(builtInYearCalendar(y), "built-in"));
    }
    builtInYears = years;
  }
  return builtInYears;
}

const provisionalYears = new Map<number, YearSets>();

function provisionalYear(year: number): YearSets | undefined {
  if (!Number.isInteger(year) || year < LAW_FIRST_YEAR || year > LAW_LAST_YEAR) return undefined;
  let sets = provisionalYears.get(year);
  if (!sets) {
    sets = toSets({ year, holidays: statutoryYear(year).holidays, makeupWorkdays: [] }, "provisional");
    provisionalYears.set(year, sets);
  }
  return sets;
}

/**
 * Chinese statutory working-day calendar for deadlines such as "within 5
 * working days of receiving the application", for every year: official
 * arrangements loaded by an office first, then the bundled ones, then the
 * holiday law alone (provisional). Deadlines that count a day of a
 * provisional year say so, and are recomputed when that year's arrangement
 * is loaded (deadline-refresh.ts).
 */
export class WorkingDayCalendar {
  #official: ReadonlyMap<number, YearSets> = new Map();

  /** Extra years loaded as data replace built-in ones wholesale: a published correction is authoritative for its year. */
  constructor(officialYears: YearCalendar[] = []) {
    this.setOfficialYears(officialYears);
  }

  static builtIn(): WorkingDayCalendar {
    return new WorkingDayCalendar();
  }

  /**
   * Puts the official arrangements in force, all at once (they are read from
   * the database at start and again whenever any instance loads one).
   */
  setOfficialYears(officialYears: readonly YearCalendar[]): void {
    const years = new Map<number, YearSets>();
    for (const raw of officialYears) {
      const cal = yearCalendarSchema.parse(raw);
      // Two calendars for one year would make the result depend on load order.
      if (years.has(cal.year)) throw new Error(`Calendar for ${cal.year} was supplied more than once`);
      years.set(cal.year, toSets(cal, "official"));
    }
    this.#official = years;
  }

  /** Whether an authoritative (official or built-in) arrangement covers the year; provisional years do not count. */
  covers(year: number): boolean {
    const source = this.sourceOf(year);
    return source === "official" || source === "built-in";
  }

  /** Where the year's calendar comes from, or null when nothing covers it. */
  sourceOf(year: number): YearSource | null {
    return this.#year(year)?.source ?? null;
  }

  /** A year's days off and make-up workdays as they are applied, with their source. */
  yearCalendar(year: number): YearCalendar & { source: YearSource } {
    const sets = this.#year(year);
    if (!sets) throw new UncoveredYearError(year);
    return { year, source: sets.source, holidays: [...sets.holidays].sort(), makeupWorkdays: [...sets.makeupWorkdays].sort() };
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
    return this.deadline(start, n).at;
  }

  /** As addWorkingDays, and whether a provisional year's day was counted on the way. */
  deadline(start: Date, n: number): Deadline {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`n must be an integer >= 1, got ${n}`);
    }
    let day = chinaDay(start);
    let remaining = n;
    let provisional = false;
    // Terminates: every year either contains working days or, once past the covered years, throws.
    while (remaining > 0) {
      day++;
      const sets = this.#yearOfDay(day);
      if (sets.source === "provisional") provisional = true;
      if (isWorkingIn(sets, day)) remaining--;
    }
    return { at: endOfChinaDay(day), provisional };
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

  #year(year: number): YearSets | undefined {
    return this.#official.get(year) ?? getBuiltInYears().get(year) ?? provisionalYear(year);
  }

  #yearOfDay(day: number): YearSets {
    const year = dayYear(day);
    const sets = this.#year(year);
    if (!sets) throw new UncoveredYearError(year);
    return sets;
  }

  #isWorkingChinaDay(day: number): boolean {
    return isWorkingIn(this.#yearOfDay(day), day);
  }
}

function isWorkingIn(sets: YearSets, day: number): boolean {
  const iso = dayToIso(day);
  if (sets.makeupWorkdays.has(iso)) return true;
  if (sets.holidays.has(iso)) return false;
  return !isWeekend(day);
}

/** Which years' arrangements are in force around `now`, and the one an office must load, if any. */
export interface CalendarOutlook {
  year: number;
  source: YearSource | null;
  nextYear: number;
  nextSource: YearSource | null;
  /**
   * The year whose deadlines are counted on the holiday law alone and should
   * not be: this year, or from 1 November next year (the State Council
   * publishes the arrangement around then).
   */
  missingYear: number | null;
}

/** November (0-based month) opens the season in which next year's arrangement is awaited. */
const AWAITING_FROM_MONTH = 10;

export function calendarOutlook(calendar: WorkingDayCalendar, now: Date): CalendarOutlook {
  const { year, month } = chinaDate(now);
  const source = calendar.sourceOf(year);
  const nextSource = calendar.sourceOf(year + 1);
  const missingYear = source === "provisional" ? year : month >= AWAITING_FROM_MONTH && nextSource === "provisional" ? year + 1 : null;
  return { year, source, nextYear: year + 1, nextSource, missingYear };
}
