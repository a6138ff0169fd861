import { Lunar, Solar } from "lunar-typescript";

/**
 * The days off the national holiday law itself gives in a year
 * (《全国年节及纪念日放假办法》, as revised by State Council Decree 798 in
 * force from 1 January 2025), for years whose official arrangement
 * (国务院办公厅放假安排) is not known yet:
 *
 * - Article 2: 元旦 1 day (1 January); 春节 4 days (除夕 and 正月初一 to 初三);
 *   清明 1 day (the solar term's day); 劳动节 2 days (1–2 May); 端午 1 day
 *   (五月初五); 中秋 1 day (八月十五); 国庆 3 days (1–3 October).
 * - Article 6: a day of a holiday for everyone that falls on a Saturday or
 *   Sunday is made up on a working day (补假). Made up here on the first
 *   weekdays after the break, as every arrangement since 2008 has done; a
 *   festival day that coincides with another's (中秋 on 1–3 October) is owed
 *   the same way.
 *
 * Make-up workdays (调休上班) and the weekdays bridged into longer breaks are
 * announced each year and cannot be derived: none are assumed.
 *
 * Lunar dates and the 清明 solar term come from lunar-typescript (6tail),
 * which counts in Julian days and so answers the same in every time zone;
 * chinese-days' own lunar helpers parse dates as UTC and read them back in
 * local time, a day early west of Greenwich.
 */
export const LAW_FIRST_YEAR = 2025;
/** Far enough for any deadline; a bound keeps every calendar walk finite. */
export const LAW_LAST_YEAR = 2199;

export interface StatutoryYear {
  year: number;
  /** Every day off, sorted: the festivals' own days and the days made up for them. */
  holidays: string[];
  /** The days made up under Article 6, sorted (a subset of holidays). */
  madeUp: string[];
}

function iso(solar: Solar): string {
  return solar.toYmd();
}

function isWeekendSolar(solar: Solar): boolean {
  const week = solar.getWeek();
  return week === 0 || week === 6;
}

/** The festivals' own days for a year, in date order, each with its name. */
function festivals(year: number): { name: string; days: Solar[] }[] {
  const springFestival = Lunar.fromYmd(year, 1, 1).getSolar();
  // Lunar.fromYmd(year, 3, 1) lies in March or April; its year's table holds that spring's 清明.
  const qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]!;
  const solar = (month: number, day: number) => Solar.fromYmd(year, month, day);
  return [
    { name: "元旦", days: [solar(1, 1)] },
    { name: "春节", days: [springFestival.next(-1), springFestival, springFestival.next(1), springFestival.next(2)] },
    { name: "清明节", days: [Solar.fromYmd(qingming.getYear(), qingming.getMonth(), qingming.getDay())] },
    { name: "劳动节", days: [solar(5, 1), solar(5, 2)] },
    { name: "端午节", days: [Lunar.fromYmd(year, 5, 5).getSolar()] },
    { name: "中秋节", days: [Lunar.fromYmd(year, 8, 15).getSolar()] },
    { name: "国庆节", days: [solar(10, 1), solar(10, 2), solar(10, 3)] },
  ].sort((a, b) => iso(a.days[0]!).localeCompare(iso(b.days[0]!)));
}

/** The law's days off in `year` (LAW_FIRST_YEAR–LAW_LAST_YEAR). */
export function statutoryYear(year: number): StatutoryYear {
  if (!Number.isInteger(year) || year < LAW_FIRST_YEAR || year > LAW_LAST_YEAR) {
    throw new RangeError(`the revised holiday law applies from ${LAW_FIRST_YEAR}; no statutory calendar for ${year}`);
  }
  const off = new Set<string>();
  const madeUp = new Set<string>();
  for (const festival of festivals(year)) {
    let owed = 0;
    for (const day of festival.days) {
      const key = iso(day);
      if (isWeekendSolar(day) || off.has(key)) owed++;
      off.add(key);
    }
    // The first weekdays after the break (its own days and any days off joined to it) that are not off already.
    let day = festival.days[festival.days.length - 1]!;
    while (owed > 0) {
      day = day.next(1);
      const key = iso(day);
      if (isWeekendSolar(day) || off.has(key)) continue;
      off.add(key);
      madeUp.add(key);
      owed--;
    }
  }
  // A made-up day never leaves the year: the last festival (国庆) owes at most three, made up by mid-October.
  return { year, holidays: [...off].sort(), madeUp: [...madeUp].sort() };
}
