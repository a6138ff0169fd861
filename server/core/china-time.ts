/**
 * Calendar days as applicants and offices count them: China Standard Time
 * (UTC+8, no daylight saving), whatever the machine's own time zone.
 */
export const MS_PER_DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar day of an instant, as days since 1970-01-01. */
export function chinaDay(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
  return Math.floor((ms + CHINA_OFFSET_MS) / MS_PER_DAY);
}

/** 23:59:59.999 +08:00 of a China calendar day. */
export function endOfChinaDay(day: number): Date {
  return new Date((day + 1) * MS_PER_DAY - CHINA_OFFSET_MS - 1);
}

/** Year, month (0-based) and day of an instant's China calendar date. */
export function chinaDate(date: Date): { year: number; month: number; day: number } {
  const utc = new Date(chinaDay(date) * MS_PER_DAY);
  return { year: utc.getUTCFullYear(), month: utc.getUTCMonth(), day: utc.getUTCDate() };
}
