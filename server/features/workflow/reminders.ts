import { chinaDay, endOfChinaDay } from "../../core/china-time.ts";
import { UncoveredYearError, type WorkingDayCalendar } from "../../core/calendar/working-days.ts";

/**
 * When a desk hears that a task is about to fall due: at the start (00:00,
 * China time) of the last working day before the day it is due, so the
 * reminder leaves a whole working day to act. A Monday deadline is
 * therefore announced on the Friday before, one after a holiday on the
 * last working day before the holiday. Null when the calendar does not
 * cover those days: no reminder rather than one on the wrong day.
 */
export function dueReminderAt(dueAt: Date, calendar: WorkingDayCalendar): Date | null {
  try {
    let day = chinaDay(dueAt) - 1;
    // Terminates: every year has working days, and a year past the loaded calendars throws.
    while (!calendar.isWorkingDay(startOfChinaDay(day))) day--;
    return startOfChinaDay(day);
  } catch (error) {
    if (error instanceof UncoveredYearError) return null;
    throw error;
  }
}

/**
 * Whether a task's desk should be reminded now: its reminder time has come and it is not due yet
 * (a late task is escalated instead). A task opened after its reminder time — one with a single
 * working day, say — is not: the notice of the new task already gave its date.
 */
export function dueReminderWanted(task: { createdAt: Date; dueAt: Date | null }, now: Date, calendar: WorkingDayCalendar): boolean {
  if (!task.dueAt || now >= task.dueAt) return false;
  const at = dueReminderAt(task.dueAt, calendar);
  return !!at && task.createdAt < at && at <= now;
}

/**
 * How far ahead a reminder scan must look for due dates: the longest run of days off (the
 * Spring Festival or National Day break with its weekends, up to nine days) plus the due day.
 */
export const dueReminderHorizonDays = 12;

function startOfChinaDay(day: number): Date {
  return new Date(endOfChinaDay(day - 1).getTime() + 1);
}
