import { riskTypes, type Locale } from "../../core/vocabulary.ts";
import type { Dashboard, DashboardQuery } from "./dashboard-schemas.ts";
import { chinaDay, MS_PER_DAY } from "../../core/china-time.ts";
import { chinaDateText } from "./ledgers.ts";
import type { RegionNode } from "../../core/regions/routing.ts";
import { stageStays, stageTimes, workingDayOr, workingDaysAfter } from "./stage-times.ts";
import { UncoveredYearError } from "../../core/calendar/working-days.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { zhCN } from "../../core/i18n/locales/zh-CN.ts";
import { ForbiddenError, NotFoundError } from "../../core/errors.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { stageLabel } from "../cases/stage-view.ts";

const caseStatuses = ["OPEN", "APPROVED", "REJECTED", "CLOSED", "WITHDRAWN"] as const;
const channelOrder = ["BOT", "MINI_PROGRAM", "WEB", "GRID_WORKER", "CADRE_VISIT", "DEPARTMENT_SCREENING"];
/** Every stage the shipped workflows know, roughly in the order a case meets them: triage, then as the source locale lists them. */
const triage = ["COUNTY_TRIAGE", "TOWNSHIP_TRIAGE"];
const stageOrder = [...triage, ...Object.keys(zhCN.stages).filter((s) => !triage.includes(s))];
export const stageTimeWindowDays = 90;
export const receivedDays = 30;
const mostOverdueShown = 10;

/** A LIKE pattern for "starts with": region paths are digits and slashes, but escape anyway. */
function startsWithPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const householdCategoryOrder = ["FORMERLY_POOR", "FORMERLY_POOR_UNSTABLE", "MARGINAL", "SUDDEN_HARDSHIP", "NONE"] as const;
const monitoringStatusOrder = ["AT_RISK", "RISK_ELIMINATED", "NONE"] as const;

/**
 * The staff dashboard: counts and timings for charts, over the cases of one
 * region, every figure from an aggregate query (groupBy, GROUP BY) except the
 * stage timings, which read the stage moves of the cases that moved in the
 * window and compute them in server/features/dashboard-and-ledgers/stage-times.ts.
 */
export class DashboardService {
  constructor(private readonly deps: ServiceDeps) {}

  async dashboard(principal: StaffPrincipal, query: DashboardQuery, locale: Locale): Promise<Dashboard> {
    const { prisma, calendar } = this.deps;
    const now = this.deps.now();
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    // The caller's region, or one inside it (checked like the queue's regionCode).
    const scope = query.regionCode ? tree.getByCode(query.regionCode) : tree.get(principal.regionId);
    if (!scope) throw new NotFoundError("UNKNOWN_REGION");
    if (!scope.path.startsWith(principal.regionPath)) throw new ForbiddenError("REGION_OUT_OF_SCOPE");
    const inScope = { regionPath: { startsWith: scope.path } };
    const pattern = startsWithPattern(scope.path);
    const open = { ...inScope, status: "OPEN" as const };
    const overdueWhere = { status: "OPEN" as const, dueAt: { lt: now }, case: inScope };
    const stageSince = new Date(now.getTime() - stageTimeWindowDays * MS_PER_DAY);
    const today = chinaDay(now);
    const firstDay = today - (receivedDays - 1);
    // 00:00 China time of the first day, written as the UTC wall time the timestamp columns hold.
    const receivedSince = new Date(firstDay * MS_PER_DAY - 8 * 3_600_000);

    const [byStage, byStatus, byPath, byRisk, overdueCount, overdue, received, moves, households] = await Promise.all([
      prisma.case.groupBy({ by: ["stage"], where: open, _count: { _all: true } }),
      prisma.case.groupBy({ by: ["status"], where: inScope, _count: { _all: true } }),
      prisma.case.groupBy({ by: ["regionPath"], where: open, _count: { _all: true } }),
      prisma.$queryRaw<{ riskType: string; n: number }[]>`
        SELECT r::text AS "riskType", count(*)::int AS n
        FROM "Case" c CROSS JOIN LATERAL unnest(c."riskTypes") AS r
        WHERE c."status" = 'OPEN' AND c."regionPath" LIKE ${pattern}
        GROUP BY r`,
      prisma.caseTask.count({ where: overdueWhere }),
      prisma.caseTask.findMany({
        where: overdueWhere,
        orderBy: [{ dueAt: "asc" }, { id: "asc" }],
        take: mostOverdueShown,
        select: { stage: true, desk: true, dueAt: true, dueProvisional: true, case: { select: { number: true, regionId: true } } },
      }),
      prisma.$queryRaw<{ day: string; channel: string; n: number }[]>`
        SELECT to_char(c."createdAt" + interval '8 hours', 'YYYY-MM-DD') AS day, c."channel"::text AS channel, count(*)::int AS n
        FROM "Case" c
        WHERE c."createdAt" >= ${receivedSince.toISOString()}::timestamp(3) AND c."regionPath" LIKE ${pattern}
        GROUP BY 1, 2`,
      // Only the cases that left a stage in the window, and only their stage moves.
      prisma.caseEvent.findMany({
        where: { toStage: { not: null }, case: { ...inScope, events: { some: { at: { gte: stageSince }, fromStage: { not: null } } } } },
        select: { caseId: true, id: true, at: true, fromStage: true, toStage: true },
      }),
      prisma.$queryRaw<{ category: string; status: string; n: number }[]>`
        SELECT h."category"::text AS category, h."monitoringStatus"::text AS status, count(*)::int AS n
        FROM "Household" h JOIN "Region" r ON r."id" = h."regionId"
        WHERE r."path" LIKE ${pattern}
        GROUP BY 1, 2`,
    ]);
    const householdsBy = (pick: (row: { category: string; status: string }) => string) => {
      const counts = new Map<string, number>();
      for (const row of households) counts.set(pick(row), (counts.get(pick(row)) ?? 0) + Number(row.n));
      return counts;
    };
    const byCategory = householdsBy((r) => r.category);
    const byMonitoring = householdsBy((r) => r.status);

    const stageRank = (stage: string) => (stageOrder.includes(stage) ? stageOrder.indexOf(stage) : stageOrder.length);
    const openCases = byStage.reduce((sum, g) => sum + g._count._all, 0);

    const riskCounts = new Map(byRisk.map((r) => [r.riskType, Number(r.n)]));
    const statusCounts = new Map(byStatus.map((g) => [g.status, g._count._all]));

    // Open cases by the scope's direct children; a case at the scope's own level counts as "self".
    const children = tree.nodes.filter((n) => n.parentId === scope.id).sort((a, b) => (a.code < b.code ? -1 : 1));
    const perChild = new Map<string, number>();
    let atSelf = 0;
    for (const g of byPath) {
      if (g.regionPath === scope.path) {
        atSelf += g._count._all;
        continue;
      }
      const code = g.regionPath.slice(scope.path.length).split("/")[0]!;
      perChild.set(code, (perChild.get(code) ?? 0) + g._count._all);
    }
    const regionItem = (node: RegionNode, self: boolean, n: number) => ({
      code: node.code,
      name: node.name,
      level: node.level,
      self,
      count: n,
    });
    const openByRegion = [
      ...(atSelf > 0 || scope.level === "VILLAGE" || scope.level === "GROUP" ? [regionItem(scope, true, atSelf)] : []),
      ...children
        .filter((c) => scope.level !== "VILLAGE" || (perChild.get(c.code) ?? 0) > 0)
        .map((c) => regionItem(c, false, perChild.get(c.code) ?? 0)),
    ];

    const dates = Array.from({ length: receivedDays }, (_, i) => chinaDateText(new Date((firstDay + i) * MS_PER_DAY))!);
    const dateIndex = new Map(dates.map((d, i) => [d, i]));
    const series = new Map<string, number[]>();
    const totals = dates.map(() => 0);
    for (const row of received) {
      const i = dateIndex.get(row.day);
      if (i === undefined) continue;
      const counts = series.get(row.channel) ?? dates.map(() => 0);
      counts[i]! += Number(row.n);
      totals[i]! += Number(row.n);
      series.set(row.channel, counts);
    }
    const channelRank = (c: string) => (channelOrder.includes(c) ? channelOrder.indexOf(c) : channelOrder.length);

    const isWorkingDay = workingDayOr(calendar, (error) => error instanceof UncoveredYearError);
    const times = stageTimes(stageStays(moves), { since: stageSince, until: now }, isWorkingDay, {
      order: stageOrder,
      ignore: ["SUBMITTED"],
    });

    return {
      generatedAt: now.toISOString(),
      region: { code: scope.code, name: scope.name, level: scope.level },
      openCases,
      openByStage: byStage
        .map((g) => ({ stage: g.stage, label: stageLabel(g.stage, locale), count: g._count._all }))
        .sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || (a.stage < b.stage ? -1 : 1)),
      openByRiskType: riskTypes.map((riskType) => ({ riskType, label: t(`riskTypes.${riskType}`), count: riskCounts.get(riskType) ?? 0 })),
      openByRegion,
      byStatus: caseStatuses.map((status) => ({ status, label: t(`statuses.${status}`), count: statusCounts.get(status) ?? 0 })),
      overdueTasks: {
        count: overdueCount,
        mostOverdue: overdue.map((task) => {
          const region = tree.get(task.case.regionId);
          const dueAt = task.dueAt!;
          return {
            caseNumber: task.case.number,
            stage: task.stage,
            stageLabel: stageLabel(task.stage, locale),
            desk: task.desk,
            regionCode: region?.code ?? "",
            regionName: region?.name ?? "",
            dueAt: dueAt.toISOString(),
            dueProvisional: task.dueProvisional,
            daysLate: Math.max(0, today - chinaDay(dueAt)),
            workingDaysLate: workingDaysAfter(dueAt, now, isWorkingDay),
          };
        }),
      },
      stageTimes: {
        windowDays: stageTimeWindowDays,
        since: stageSince.toISOString(),
        items: times.map((s) => ({ ...s, label: stageLabel(s.stage, locale) })),
      },
      households: {
        total: households.reduce((sum, row) => sum + Number(row.n), 0),
        byCategory: householdCategoryOrder.map((category) => ({
          category,
          label: t(`ledgers.householdCategories.${category}`),
          count: byCategory.get(category) ?? 0,
        })),
        byMonitoringStatus: monitoringStatusOrder.map((status) => ({
          status,
          label: t(`ledgers.monitoringStatuses.${status}`),
          count: byMonitoring.get(status) ?? 0,
        })),
      },
      receivedPerDay: {
        dates,
        totals,
        series: [...series]
          .sort(([a], [b]) => channelRank(a) - channelRank(b) || (a < b ? -1 : 1))
          .map(([channel, counts]) => ({ channel, label: t(`ledgers.channels.${channel}`, { defaultValue: channel }), counts })),
      },
    };
  }
}
