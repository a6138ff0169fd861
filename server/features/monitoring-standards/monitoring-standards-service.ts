import type { z } from "zod";
import type { Locale } from "../../core/vocabulary.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { ForbiddenError } from "../../core/errors.ts";
import { chinaDate } from "../../core/china-time.ts";
import type { MonitoringStandard } from "../households/household-assessment.ts";
import { standardFor } from "../households/household-assessment.ts";
import { divisionName } from "../regions/china-divisions.ts";
import { mayEditStandard, standardsInForce } from "./standards-in-force.ts";
import type { monitoringStandardChangeRequestSchema, MonitoringStandardsView } from "./monitoring-standard-schemas.ts";

type ChangeRequest = z.output<typeof monitoringStandardChangeRequestSchema>;

/**
 * The monitoring income standard of each year and region, and its three-colour grading, as administrators set
 * them in the console: every change is a row of the append-only MonitoringStandardChange, laid over the shipped
 * or configured file (standards-in-force.ts). The assessor of every instance holds the standards in force and is
 * given them again when any instance changes one.
 */
export class MonitoringStandardsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly configured: readonly MonitoringStandard[],
  ) {}

  /** Reads the administrators' changes and puts the standards in force. */
  async reload(): Promise<void> {
    const changes = await this.deps.prisma.monitoringStandardChange.findMany({ orderBy: { id: "asc" } });
    this.deps.assessor.replaceStandards(standardsInForce(this.configured, changes));
  }

  private countyOf(principal: StaffPrincipal) {
    return principal.regionPath.split("/")[0]!;
  }

  async view(principal: StaffPrincipal, _locale: Locale): Promise<MonitoringStandardsView> {
    const county = this.countyOf(principal);
    const applies = (regionCode: string) => regionCode.startsWith(county) || county.startsWith(regionCode);
    const [changes, tree] = await Promise.all([
      this.deps.prisma.monitoringStandardChange.findMany({ orderBy: { id: "desc" }, take: 1000 }),
      this.deps.regions.tree(),
    ]);
    const mine = changes.filter((c) => applies(c.regionCode));
    const names = new Map<string, string>();
    const nameOf = async (code: string) => {
      if (!names.has(code)) names.set(code, tree.getByCode(code)?.name ?? (await divisionName(code)) ?? code);
      return names.get(code)!;
    };
    const items = [];
    for (const s of this.deps.assessor
      .all()
      .filter((s) => applies(s.regionCode))
      .sort((a, b) => b.year - a.year || a.regionCode.localeCompare(b.regionCode))) {
      const last = mine.find((c) => c.year === s.year && c.regionCode === s.regionCode);
      items.push({
        year: s.year,
        regionCode: s.regionCode,
        regionName: await nameOf(s.regionCode),
        incomeLine: s.incomeLine,
        yellowMultiple: s.grading?.yellowMultiple ?? null,
        source: last ? ("CONSOLE" as const) : ("FILE" as const),
        setBy: last?.actorName ?? null,
        setAt: last?.at.toISOString() ?? null,
      });
    }
    const thisYear = chinaDate(this.deps.now()).year;
    const missingYears = [thisYear - 1, thisYear].filter((year) => !standardFor([...this.deps.assessor.all()], year, county));
    return {
      items,
      missingYears,
      history: mine.slice(0, 200).map((c) => ({
        at: c.at.toISOString(),
        year: c.year,
        regionCode: c.regionCode,
        incomeLine: c.incomeLine,
        yellowMultiple: c.yellowMultiple,
        removed: c.removed,
        actorName: c.actorName,
        reason: c.reason,
      })),
    };
  }

  /** Sets (or removes) a year's standard for a region: one more row of the record, in force on every instance at once. */
  async change(principal: StaffPrincipal, request: ChangeRequest, locale: Locale): Promise<MonitoringStandardsView> {
    if (principal.role !== "ADMIN" && principal.role !== "COUNTY") throw new ForbiddenError();
    if (!mayEditStandard(principal.role, this.countyOf(principal), request.regionCode))
      throw new ForbiddenError("STANDARD_REGION_OUT_OF_SCOPE");
    await this.deps.prisma.monitoringStandardChange.create({
      data: {
        year: request.year,
        regionCode: request.regionCode,
        incomeLine: request.remove ? null : request.incomeLine!,
        yellowMultiple: request.remove ? null : request.yellowMultiple,
        removed: request.remove,
        actorId: principal.id,
        actorName: principal.displayName,
        reason: request.reason,
        at: this.deps.now(),
      },
    });
    await this.reload();
    this.deps.notifier.standardsChanged();
    return this.view(principal, locale);
  }
}
