import { describe, expect, it } from "vitest";
import {
  stageStays,
  stageTimes,
  workingDayOr,
  workingDaysAfter,
  workingMsBetween,
  type StageEvent,
} from "../../../../server/features/dashboard-and-ledgers/stage-times.ts";
import { UncoveredYearError, WorkingDayCalendar } from "../../../../server/core/calendar/working-days.ts";

const calendar = WorkingDayCalendar.builtIn();
const isWorkingDay = (day: Date) => calendar.isWorkingDay(day);
const HOUR = 3_600_000;
/** An instant given in China time. */
const china = (text: string) => new Date(`${text}+08:00`);

describe("workingMsBetween", () => {
  it("counts every hour of working days and none of weekends or holidays, in China time", () => {
    // Wednesday 10:00 to Thursday 10:00.
    expect(workingMsBetween(china("2026-11-25T10:00:00"), china("2026-11-26T10:00:00"), isWorkingDay)).toBe(24 * HOUR);
    // Friday 17:00 to Monday 09:00: 7 hours on Friday, 9 on Monday.
    expect(workingMsBetween(china("2026-11-27T17:00:00"), china("2026-11-30T09:00:00"), isWorkingDay)).toBe(16 * HOUR);
    // Saturday to Sunday: nothing.
    expect(workingMsBetween(china("2026-11-28T08:00:00"), china("2026-11-29T20:00:00"), isWorkingDay)).toBe(0);
    // National Day week 2026 (1–7 October off): from 30 September 12:00 to 8 October 12:00.
    expect(workingMsBetween(china("2026-09-30T12:00:00"), china("2026-10-08T12:00:00"), isWorkingDay)).toBe(24 * HOUR);
    // A make-up working Saturday counts (Sunday 4 January 2026 and Saturday 28 February 2026 are workdays in the 2026 schedule).
    expect(calendar.isWorkingDay(china("2026-01-04T12:00:00"))).toBe(true);
    expect(workingMsBetween(china("2026-01-04T00:00:00"), china("2026-01-04T06:00:00"), isWorkingDay)).toBe(6 * HOUR);
  });

  it("is zero for an empty or reversed interval", () => {
    const t = china("2026-11-25T10:00:00");
    expect(workingMsBetween(t, t, isWorkingDay)).toBe(0);
    expect(workingMsBetween(t, new Date(t.getTime() - HOUR), isWorkingDay)).toBe(0);
  });
});

describe("workingDaysAfter and workingDayOr", () => {
  it("count working days after a due day up to today, as the calendar does", () => {
    // Due Thursday 3 December (end of day); on Friday the 4th one working day late, on Monday the 7th two.
    const due = china("2026-12-03T23:59:59.999");
    expect(workingDaysAfter(due, china("2026-12-04T10:00:00"), isWorkingDay)).toBe(1);
    expect(workingDaysAfter(due, china("2026-12-07T10:00:00"), isWorkingDay)).toBe(2);
    expect(workingDaysAfter(due, china("2026-12-03T10:00:00"), isWorkingDay)).toBe(0);
    expect(workingDaysAfter(due, china("2026-12-21T10:00:00"), isWorkingDay)).toBe(
      calendar.workingDaysBetween(due, china("2026-12-21T10:00:00")),
    );
  });

  it("fall back to Monday–Friday in a year no calendar covers, and only then", () => {
    const lenient = workingDayOr(calendar, (error) => error instanceof UncoveredYearError);
    expect(() => calendar.isWorkingDay(china("2003-10-01T00:00:00"))).toThrow(UncoveredYearError);
    // Wednesday 1 October 2003 (National Day) counts as a weekday; Saturday the 4th does not.
    expect(lenient(china("2003-10-01T00:00:00"))).toBe(true);
    expect(lenient(china("2003-10-04T00:00:00"))).toBe(false);
    // Covered years keep their holidays, provisional ones (2027: the holiday law alone) too.
    expect(lenient(china("2026-10-01T00:00:00"))).toBe(false);
    expect(lenient(china("2027-01-01T00:00:00"))).toBe(false);
    const strict = workingDayOr(calendar, () => false);
    expect(() => strict(china("2003-10-01T00:00:00"))).toThrow(UncoveredYearError);
  });
});

describe("stageStays", () => {
  const e = (caseId: string, id: number, at: string, fromStage: string | null, toStage: string | null): StageEvent => ({
    caseId,
    id,
    at: china(at),
    fromStage,
    toStage,
  });

  it("pairs each entry into a stage with the move out of it, ignoring work that stays", () => {
    const events = [
      e("a", 1, "2026-11-02T09:00:00", null, "SUBMITTED"),
      e("a", 2, "2026-11-02T09:00:00", "SUBMITTED", "VILLAGE_VERIFICATION"),
      e("a", 3, "2026-11-03T09:00:00", "VILLAGE_VERIFICATION", "VILLAGE_VERIFICATION"),
      e("a", 4, "2026-11-04T15:00:00", "VILLAGE_VERIFICATION", "VILLAGE_APPRAISAL"),
      e("a", 5, "2026-11-05T15:00:00", "VILLAGE_APPRAISAL", "VILLAGE_PUBLICITY"),
      // Comments without a stage change nothing.
      e("a", 6, "2026-11-06T15:00:00", null, null),
    ];
    // Out of order on purpose: the history is sorted by time, then by id.
    expect(stageStays([...events].reverse())).toEqual([
      { caseId: "a", stage: "SUBMITTED", enteredAt: china("2026-11-02T09:00:00"), leftAt: china("2026-11-02T09:00:00") },
      { caseId: "a", stage: "VILLAGE_VERIFICATION", enteredAt: china("2026-11-02T09:00:00"), leftAt: china("2026-11-04T15:00:00") },
      { caseId: "a", stage: "VILLAGE_APPRAISAL", enteredAt: china("2026-11-04T15:00:00"), leftAt: china("2026-11-05T15:00:00") },
    ]);
  });

  it("counts a stage visited twice as two stays, and keeps cases apart", () => {
    const stays = stageStays([
      e("a", 1, "2026-11-02T09:00:00", "SUBMITTED", "TOWNSHIP_REVIEW"),
      e("b", 2, "2026-11-02T10:00:00", "SUBMITTED", "TOWNSHIP_REVIEW"),
      e("a", 3, "2026-11-03T09:00:00", "TOWNSHIP_REVIEW", "VILLAGE_VERIFICATION"),
      e("a", 4, "2026-11-04T09:00:00", "VILLAGE_VERIFICATION", "TOWNSHIP_REVIEW"),
      e("a", 5, "2026-11-05T09:00:00", "TOWNSHIP_REVIEW", "COUNTY_APPROVAL"),
    ]);
    expect(stays.filter((s) => s.stage === "TOWNSHIP_REVIEW").map((s) => [s.caseId, s.leftAt.getTime() - s.enteredAt.getTime()])).toEqual([
      ["a", 24 * HOUR],
      ["a", 24 * HOUR],
    ]);
    // Case b never left.
    expect(stays.some((s) => s.caseId === "b")).toBe(false);
  });

  it("does not invent a stay when a move leaves a stage the history never entered", () => {
    expect(
      stageStays([
        e("a", 1, "2026-11-02T09:00:00", "SUBMITTED", "HELP"),
        e("a", 2, "2026-11-03T09:00:00", "ELIMINATION_COUNTY_APPROVAL", "RISK_ELIMINATED"),
      ]),
    ).toEqual([]);
  });
});

describe("stageTimes", () => {
  const window = { since: china("2026-08-27T10:00:00"), until: china("2026-11-25T10:00:00") };
  const stay = (stage: string, enteredAt: string, leftAt: string) => ({
    caseId: "x",
    stage,
    enteredAt: china(enteredAt),
    leftAt: china(leftAt),
  });

  it("averages and takes the median of working time per stage over stays that ended in the window", () => {
    const result = stageTimes(
      [
        // Tuesday → Wednesday: 24 h.
        stay("VILLAGE_VERIFICATION", "2026-11-17T10:00:00", "2026-11-18T10:00:00"),
        // Friday 10:00 → Monday 10:00: 14 + 10 = 24 working hours.
        stay("VILLAGE_VERIFICATION", "2026-11-20T10:00:00", "2026-11-23T10:00:00"),
        // Monday → Thursday: 72 h.
        stay("VILLAGE_VERIFICATION", "2026-11-16T10:00:00", "2026-11-19T10:00:00"),
        stay("TOWNSHIP_REVIEW", "2026-11-23T10:00:00", "2026-11-23T16:00:00"),
        // Ended this very instant: counted. Tuesday 10:00 → Wednesday 10:00.
        stay("VILLAGE_APPRAISAL", "2026-11-24T10:00:00", "2026-11-25T10:00:00"),
        stay("SUBMITTED", "2026-11-23T10:00:00", "2026-11-23T10:00:00"),
        // Left before the window, or not yet: not counted.
        stay("TOWNSHIP_REVIEW", "2026-08-20T10:00:00", "2026-08-27T09:59:59"),
        stay("TOWNSHIP_REVIEW", "2026-11-24T10:00:00", "2026-11-25T10:00:01"),
      ],
      window,
      isWorkingDay,
      { order: ["VILLAGE_VERIFICATION", "VILLAGE_APPRAISAL", "TOWNSHIP_REVIEW"], ignore: ["SUBMITTED"] },
    );
    expect(result).toEqual([
      {
        stage: "VILLAGE_VERIFICATION",
        stays: 3,
        averageWorkingHours: 40,
        medianWorkingHours: 24,
        averageWorkingDays: 1.67,
        medianWorkingDays: 1,
      },
      {
        stage: "VILLAGE_APPRAISAL",
        stays: 1,
        averageWorkingHours: 24,
        medianWorkingHours: 24,
        averageWorkingDays: 1,
        medianWorkingDays: 1,
      },
      {
        stage: "TOWNSHIP_REVIEW",
        stays: 1,
        averageWorkingHours: 6,
        medianWorkingHours: 6,
        averageWorkingDays: 0.25,
        medianWorkingDays: 0.25,
      },
    ]);
  });

  it("takes the middle two's mean for an even count and puts unknown stages last, by name", () => {
    const result = stageTimes(
      [
        stay("Z_LOCAL", "2026-11-16T10:00:00", "2026-11-16T11:00:00"),
        stay("A_LOCAL", "2026-11-16T10:00:00", "2026-11-16T12:00:00"),
        stay("A_LOCAL", "2026-11-16T10:00:00", "2026-11-16T15:00:00"),
        stay("HELP", "2026-11-16T10:00:00", "2026-11-16T11:00:00"),
      ],
      window,
      isWorkingDay,
      { order: ["HELP"] },
    );
    expect(result.map((r) => [r.stage, r.medianWorkingHours])).toEqual([
      ["HELP", 1],
      ["A_LOCAL", 3.5],
      ["Z_LOCAL", 1],
    ]);
  });
});
