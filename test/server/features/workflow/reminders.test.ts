import { describe, expect, it } from "vitest";
import { dueReminderAt, dueReminderWanted } from "../../../../server/features/workflow/reminders.ts";
import { WorkingDayCalendar } from "../../../../server/core/calendar/working-days.ts";

const calendar = WorkingDayCalendar.builtIn();
/** An instant at a China wall-clock time. */
const cst = (date: string, time = "23:59:59.999") => new Date(`${date}T${time}+08:00`);

describe("when a desk is reminded of a deadline", () => {
  it("at midnight (China time) starting the last working day before the day it is due", () => {
    expect(dueReminderAt(cst("2026-12-02"), calendar)).toEqual(cst("2026-12-01", "00:00:00.000")); // Wed → Tue
    expect(dueReminderAt(cst("2026-12-07"), calendar)).toEqual(cst("2026-12-04", "00:00:00.000")); // Mon → the Friday before
    // A monthly deadline ("by the 20th") may fall on a Sunday: the Friday before.
    expect(dueReminderAt(cst("2026-12-20"), calendar)).toEqual(cst("2026-12-18", "00:00:00.000"));
  });

  it("across the statutory holidays and their make-up working days", () => {
    // Thu 8 Oct 2026 follows the National Day break (1–7 Oct): reminded on Wed 30 Sep.
    expect(dueReminderAt(cst("2026-10-08"), calendar)).toEqual(cst("2026-09-30", "00:00:00.000"));
    // Tue 24 Feb 2026 follows the Spring Festival (15–23 Feb); Sat 14 Feb is a make-up working day.
    expect(dueReminderAt(cst("2026-02-24"), calendar)).toEqual(cst("2026-02-14", "00:00:00.000"));
  });

  it("on the provisional calendar of a year without its official arrangement (New Year's Day 2027 is off by law)", () => {
    expect(dueReminderAt(cst("2027-01-04"), calendar)).toEqual(cst("2026-12-31", "00:00:00.000"));
  });

  it("not at all when no calendar covers those days", () => {
    expect(dueReminderAt(cst("2003-06-04"), calendar)).toBeNull();
  });

  it("once its time has come, while the task is not yet late, unless it was opened after that time", () => {
    const task = { createdAt: cst("2026-11-25", "10:00:00.000"), dueAt: cst("2026-12-02") };
    expect(dueReminderWanted(task, cst("2026-11-30", "23:59:59.000"), calendar)).toBe(false);
    expect(dueReminderWanted(task, cst("2026-12-01", "00:00:00.000"), calendar)).toBe(true);
    expect(dueReminderWanted(task, cst("2026-12-02", "23:00:00.000"), calendar)).toBe(true);
    expect(dueReminderWanted(task, cst("2026-12-03", "00:00:00.000"), calendar)).toBe(false);
    // Opened on Tue 1 Dec with a deadline the next day: its opening notice gave the date.
    expect(dueReminderWanted({ ...task, createdAt: cst("2026-12-01", "09:00:00.000") }, cst("2026-12-01", "10:00:00.000"), calendar)).toBe(
      false,
    );
    expect(dueReminderWanted({ ...task, dueAt: null }, cst("2026-12-01", "10:00:00.000"), calendar)).toBe(false);
  });
});
