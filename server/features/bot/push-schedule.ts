import { MS_PER_DAY, chinaDay } from "../../core/china-time.ts";

/**
 * When the bot may speak to someone on its own: never during their night
 * (quiet hours, China time) and not more often than once per interval, so a
 * busy day on a case reaches an elderly applicant as a few messages, not many.
 */
export interface QuietHours {
  /** Minutes after midnight, China time; a window may wrap past midnight (21:00–08:00). */
  startMinute: number;
  endMinute: number;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** "21:00-08:00" → the window; "" or "off" → none. */
export function parseQuietHours(text: string): QuietHours | null {
  if (text.trim() === "" || text.trim() === "off") return null;
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) throw new Error(`quiet hours must look like 21:00-08:00, not "${text}"`);
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) throw new Error(`quiet hours out of range: "${text}"`);
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
}

function minuteOfChinaDay(at: Date): number {
  return Math.floor((at.getTime() + CHINA_OFFSET_MS - chinaDay(at) * MS_PER_DAY) / 60_000);
}

/** The instant a China day's minute falls on. */
function chinaInstant(day: number, minute: number): Date {
  return new Date(day * MS_PER_DAY - CHINA_OFFSET_MS + minute * 60_000);
}

/** `at` itself, or the end of the quiet window it falls in. */
export function outsideQuietHours(at: Date, quiet: QuietHours | null): Date {
  if (!quiet || quiet.startMinute === quiet.endMinute) return at;
  const minute = minuteOfChinaDay(at);
  const day = chinaDay(at);
  const wraps = quiet.startMinute > quiet.endMinute;
  if (wraps) {
    if (minute >= quiet.startMinute) return chinaInstant(day + 1, quiet.endMinute);
    if (minute < quiet.endMinute) return chinaInstant(day, quiet.endMinute);
    return at;
  }
  return minute >= quiet.startMinute && minute < quiet.endMinute ? chinaInstant(day, quiet.endMinute) : at;
}

/** The earliest a new push may go: after the last one by the interval, and outside quiet hours. */
export function earliestPush(now: Date, lastPushAt: Date | null, minIntervalMs: number, quiet: QuietHours | null): Date {
  const afterInterval =
    lastPushAt && lastPushAt.getTime() + minIntervalMs > now.getTime() ? new Date(lastPushAt.getTime() + minIntervalMs) : now;
  return outsideQuietHours(afterInterval, quiet);
}
