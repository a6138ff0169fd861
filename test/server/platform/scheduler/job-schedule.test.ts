import { describe, expect, it } from "vitest";
import { archiveAfterSeconds, jobCadence, maintenanceSeconds } from "../../../../server/platform/scheduler/job-schedule.ts";

describe("how often instances look at a recurring job", () => {
  it("asks for the period's job several times a period, at most every 15 s, and at least every second", () => {
    expect(jobCadence(60, 5).tickMs).toBe(15_000);
    expect(jobCadence(20, 5).tickMs).toBe(5_000);
    expect(jobCadence(1, 5).tickMs).toBe(1_000);
    expect(jobCadence(86_400, 5).tickMs).toBe(15_000);
  });

  it("looks for retries as often as the first retry's pause, never more often than twice a second nor less than every 5 s", () => {
    expect(jobCadence(60, 5).pollSeconds).toBe(5);
    expect(jobCadence(3600, 1).pollSeconds).toBe(1);
    expect(jobCadence(1, 5).pollSeconds).toBe(0.5);
    expect(jobCadence(3600, 30).pollSeconds).toBe(5);
  });

  it("refuses a period that is not positive", () => {
    expect(() => jobCadence(0, 5)).toThrow(RangeError);
  });

  it("looks for jobs left by a dead instance a few times within the shortest timeout, at most every two minutes", () => {
    expect(maintenanceSeconds([300, 3600])).toBe(75);
    expect(maintenanceSeconds([2])).toBe(1);
    expect(maintenanceSeconds([3600])).toBe(120);
  });

  it("keeps finished jobs at least one whole period of the longest job, and never less than pg-boss's 12 hours", () => {
    expect(archiveAfterSeconds([60, 300])).toBe(43_200);
    expect(archiveAfterSeconds([60, 24 * 3600])).toBe(86_400);
  });
});
