import { describe, expect, it } from "vitest";
import { earliestPush, outsideQuietHours, parseQuietHours } from "../../../../server/features/bot/push-schedule.ts";

const china = (text: string) => new Date(`${text}+08:00`);
const night = parseQuietHours("21:00-08:00");

describe("when the bot may push", () => {
  it("parses windows and refuses nonsense", () => {
    expect(night).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
    expect(parseQuietHours("off")).toBeNull();
    expect(parseQuietHours("")).toBeNull();
    expect(() => parseQuietHours("9pm-8am")).toThrow(/21:00-08:00/);
    expect(() => parseQuietHours("25:00-08:00")).toThrow(/out of range/);
  });

  it("holds a push made at night until the morning, China time, whatever side of midnight", () => {
    expect(outsideQuietHours(china("2026-11-25T22:30:00"), night)).toEqual(china("2026-11-26T08:00:00"));
    expect(outsideQuietHours(china("2026-11-26T06:15:00"), night)).toEqual(china("2026-11-26T08:00:00"));
    expect(outsideQuietHours(china("2026-11-26T08:00:00"), night)).toEqual(china("2026-11-26T08:00:00"));
    expect(outsideQuietHours(china("2026-11-26T20:59:00"), night)).toEqual(china("2026-11-26T20:59:00"));
    // A daytime window (a lunch break) does not wrap.
    const lunch = parseQuietHours("12:00-14:00");
    expect(outsideQuietHours(china("2026-11-26T12:30:00"), lunch)).toEqual(china("2026-11-26T14:00:00"));
    expect(outsideQuietHours(china("2026-11-26T14:30:00"), lunch)).toEqual(china("2026-11-26T14:30:00"));
  });

  it("spaces pushes to one person by the interval, then applies quiet hours", () => {
    const now = china("2026-11-25T10:00:00");
    expect(earliestPush(now, null, 600_000, night)).toEqual(now);
    expect(earliestPush(now, china("2026-11-25T09:55:00"), 600_000, night)).toEqual(china("2026-11-25T10:05:00"));
    expect(earliestPush(now, china("2026-11-25T09:00:00"), 600_000, night)).toEqual(now);
    // The interval ends at 21:03: past the start of the night, so the morning.
    expect(earliestPush(china("2026-11-25T20:58:00"), china("2026-11-25T20:53:00"), 600_000, night)).toEqual(china("2026-11-26T08:00:00"));
  });
});
