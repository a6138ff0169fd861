import { chinaDay, MS_PER_DAY } from "../../core/china-time.ts";

/**
 * How long cases spend at each stage, from the case history (CaseEvent's
 * fromStage/toStage). A case enters a stage with an event whose toStage is
 * that stage and whose fromStage is another (or none), and leaves it with the
 * next event whose fromStage is that stage and whose toStage is another; work
 * recorded without moving (toStage = fromStage: a helper assigned, an overdue
 * escalation) neither starts nor ends a stay. A stage can be visited twice (a
 * return, an objection): each stay counts.
 *
 * Time is counted on statutory working days only, as deadlines are: every
 * hour of a working day (China time) counts, no hour of a weekend or holiday
 * does. A working day is 24 working hours.
 */

export interface StageEvent {
  caseId: string;
  /** Orders events of one instant (the database's sequence). */
  id: bigint | number;
  at: Date;
  fromStage: string | null;
  toStage: string | null;
}

export interface StageStay {
  caseId: string;
  stage: string;
  enteredAt: Date;
  leftAt: Date;
}

export interface StageTime {
  stage: string;
  /** Stays that ended inside the window. */
  stays: number;
  averageWorkingHours: number;
  medianWorkingHours: number;
  averageWorkingDays: number;
  medianWorkingDays: number;
}

const MS_PER_HOUR = 3_600_000;
const CHINA_OFFSET_MS = 8 * MS_PER_HOUR;

/** Every completed stay, in the order of the cases' histories. */
export function stageStays(events: readonly StageEvent[]): StageStay[] {
  const byCase = new Map<string, StageEvent[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list) list.push(e);
    else byCase.set(e.caseId, [e]);
  }
  const stays: StageStay[] = [];
  for (const [caseId, list] of byCase) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || Number(BigInt(a.id) - BigInt(b.id)));
    let current: { stage: string; enteredAt: Date } | null = null;
    for (const e of list) {
      if (!e.toStage || e.fromStage === e.toStage) continue;
      if (current && e.fromStage === current.stage)
        stays.push({ caseId, stage: current.stage, enteredAt: current.enteredAt, leftAt: e.at });
      // A move whose fromStage is not where the history says the case was (a history edited by hand) starts afresh.
      current = { stage: e.toStage, enteredAt: e.at };
    }
  }
  return stays;
}

/**
 * Milliseconds between two instants that fall on working days (China time).
 * `isWorkingDay` is asked once per calendar day, with that day's first instant.
 */
export function workingMsBetween(start: Date, end: Date, isWorkingDay: (dayStart: Date) => boolean): number {
  const from = start.getTime();
  const to = end.getTime();
  if (!(to > from)) return 0;
  let total = 0;
  for (let day = chinaDay(start); day <= chinaDay(end); day++) {
    const dayStart = day * MS_PER_DAY - CHINA_OFFSET_MS;
    const overlap = Math.min(to, dayStart + MS_PER_DAY) - Math.max(from, dayStart);
    if (overlap > 0 && isWorkingDay(new Date(dayStart))) total += overlap;
  }
  return total;
}

/** Working days after `from`'s China calendar day up to and including `to`'s (0 if `to` is not later). */
export function workingDaysAfter(from: Date, to: Date, isWorkingDay: (dayStart: Date) => boolean): number {
  let count = 0;
  for (let day = chinaDay(from) + 1; day <= chinaDay(to); day++) if (isWorkingDay(new Date(day * MS_PER_DAY - CHINA_OFFSET_MS))) count++;
  return count;
}

/**
 * The statutory calendar where it is loaded; Monday to Friday in a year it
 * does not cover, so a chart still draws (approximately) before next year's
 * holiday schedule is loaded. Deadlines, which must be exact, do not use this.
 */
export function workingDayOr(
  calendar: { isWorkingDay(date: Date): boolean },
  isUncovered: (error: unknown) => boolean,
): (dayStart: Date) => boolean {
  return (dayStart) => {
    try {
      return calendar.isWorkingDay(dayStart);
    } catch (error) {
      if (!isUncovered(error)) throw error;
      const weekday = new Date(dayStart.getTime() + CHINA_OFFSET_MS).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    }
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Average and median working time per stage over the stays that ended in
 * [since, until] (until is now: a stay that ended this instant counts).
 * Stages come in `order` (unknown ones after, by name); `ignore` leaves out
 * stages that are no desk's work (the instant of intake).
 */
export function stageTimes(
  stays: readonly StageStay[],
  window: { since: Date; until: Date },
  isWorkingDay: (dayStart: Date) => boolean,
  options: { order?: readonly string[]; ignore?: readonly string[] } = {},
): StageTime[] {
  const hoursByStage = new Map<string, number[]>();
  for (const stay of stays) {
    if (stay.leftAt < window.since || stay.leftAt > window.until || options.ignore?.includes(stay.stage)) continue;
    const hours = workingMsBetween(stay.enteredAt, stay.leftAt, isWorkingDay) / MS_PER_HOUR;
    const list = hoursByStage.get(stay.stage);
    if (list) list.push(hours);
    else hoursByStage.set(stay.stage, [hours]);
  }
  const order = options.order ?? [];
  const rank = (stage: string) => {
    const i = order.indexOf(stage);
    return i === -1 ? order.length : i;
  };
  return [...hoursByStage]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([stage, hours]) => {
      const sorted = [...hours].sort((a, b) => a - b);
      const average = hours.reduce((sum, h) => sum + h, 0) / hours.length;
      const middle = median(sorted);
      return {
        stage,
        stays: hours.length,
        averageWorkingHours: round(average, 1),
        medianWorkingHours: round(middle, 1),
        averageWorkingDays: round(average / 24, 2),
        medianWorkingDays: round(middle / 24, 2),
      };
    });
}
