import type { MonitoringStandard } from "../households/household-assessment.ts";

/** One change of a standard as the append-only record keeps it. */
export interface StandardChange {
  year: number;
  regionCode: string;
  incomeLine: number | null;
  yellowMultiple: number | null;
  removed: boolean;
}

/**
 * The standards in force: those of the shipped or configured file, with the administrators' changes laid over
 * them in the order they were made — the latest change of a year and region replaces whatever was there, a
 * removal takes it away. Pure.
 */
export function standardsInForce(configured: readonly MonitoringStandard[], changes: readonly StandardChange[]): MonitoringStandard[] {
  const byKey = new Map<string, MonitoringStandard>(configured.map((s) => [`${s.year}/${s.regionCode}`, s]));
  for (const change of changes) {
    const key = `${change.year}/${change.regionCode}`;
    if (change.removed || change.incomeLine === null) byKey.delete(key);
    else
      byKey.set(key, {
        year: change.year,
        regionCode: change.regionCode,
        incomeLine: change.incomeLine,
        ...(change.yellowMultiple !== null ? { grading: { yellowMultiple: change.yellowMultiple } } : {}),
      });
  }
  return [...byKey.values()].sort((a, b) => a.year - b.year || a.regionCode.localeCompare(b.regionCode));
}

/** Whether a standard's region may be set by an office of `countyCode`: the county or a place in it, or (for administrators) its province or city. */
export function mayEditStandard(role: "ADMIN" | "COUNTY", countyCode: string, regionCode: string): boolean {
  if (regionCode.startsWith(countyCode)) return true;
  return role === "ADMIN" && countyCode.startsWith(regionCode) && regionCode.length >= 2;
}
