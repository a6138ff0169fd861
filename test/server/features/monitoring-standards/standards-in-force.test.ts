import { describe, expect, it } from "vitest";
import { mayEditStandard, standardsInForce } from "../../../../server/features/monitoring-standards/standards-in-force.ts";

const shipped = [
  { year: 2025, regionCode: "99", incomeLine: 8300 },
  { year: 2026, regionCode: "99", incomeLine: 8500, grading: { yellowMultiple: 2 } },
];
const change = (year: number, regionCode: string, incomeLine: number | null, yellowMultiple: number | null = null, removed = false) => ({
  year,
  regionCode,
  incomeLine,
  yellowMultiple,
  removed,
});

describe("the monitoring standards in force", () => {
  it("lays the administrators' changes over the file in the order they were made", () => {
    expect(standardsInForce(shipped, [change(2026, "99", 8600), change(2027, "990101", 9000, 1.5), change(2026, "99", 8700, 2)])).toEqual([
      { year: 2025, regionCode: "99", incomeLine: 8300 },
      { year: 2026, regionCode: "99", incomeLine: 8700, grading: { yellowMultiple: 2 } },
      { year: 2027, regionCode: "990101", incomeLine: 9000, grading: { yellowMultiple: 1.5 } },
    ]);
  });

  it("takes a removed standard away, shipped or set, and lets a later change put one back", () => {
    expect(standardsInForce(shipped, [change(2025, "99", null, null, true)]).map((s) => s.year)).toEqual([2026]);
    expect(standardsInForce(shipped, [change(2025, "99", null, null, true), change(2025, "99", 8400)])).toContainEqual({
      year: 2025,
      regionCode: "99",
      incomeLine: 8400,
    });
  });

  it("lets a county office set its county and the places in it, and an administrator also its city and province", () => {
    expect(mayEditStandard("COUNTY", "433124", "433124")).toBe(true);
    expect(mayEditStandard("COUNTY", "433124", "433124101")).toBe(true);
    expect(mayEditStandard("COUNTY", "433124", "43")).toBe(false);
    expect(mayEditStandard("ADMIN", "433124", "43")).toBe(true);
    expect(mayEditStandard("ADMIN", "433124", "4331")).toBe(true);
    expect(mayEditStandard("ADMIN", "433124", "44")).toBe(false);
    expect(mayEditStandard("ADMIN", "433124", "433125")).toBe(false);
  });
});
