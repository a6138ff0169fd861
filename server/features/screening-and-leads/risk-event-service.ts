import crypto from "node:crypto";
import type { DeclareRiskEvent } from "./risk-event-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { Prisma } from "../../platform/database/generated/client.ts";
import { chinaDateText } from "../dashboard-and-ledgers/ledgers.ts";
import { monitoredCategories, riskEventLeadKey, riskEventProgress, riskTypesOfEvent, type TrackedCase } from "./risk-events.ts";
import type { RegionNode } from "../../core/regions/routing.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { maskName } from "../../core/personal-data.ts";
import { hashRequest } from "../cases/intake-service.ts";
import { LeadService, type LeadDraft } from "./lead-service.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { stageLabel } from "../cases/stage-view.ts";

const eventInclude = { villages: true } satisfies Prisma.RiskEventInclude;
type EventRow = Prisma.RiskEventGetPayload<{ include: typeof eventInclude }>;

/**
 * Large-scale risk events (规模性返贫风险): the county declares a flood, a
 * price collapse… for the villages it hit, and every household there to
 * check gets a lead at its village, in one transaction. The event is then
 * followed until none of its households' cases is left open.
 */
export class RiskEventService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly leads: LeadService,
  ) {}

  async declare(principal: StaffPrincipal, request: DeclareRiskEvent, idempotencyKey: string, locale: Locale) {
    const { prisma } = this.deps;
    const key = `staff:${principal.id}:${idempotencyKey}`;
    const requestHash = hashRequest(request);
    const earlier = await this.answerRetry(principal, key, requestHash, locale);
    if (earlier) return earlier;

    const tree = await this.deps.regions.tree();
    const here = tree.get(principal.regionId);
    const county = here ? tree.ancestorAt(here, "COUNTY") : undefined;
    if (!county) throw new ForbiddenError("REGION_OUT_OF_SCOPE");
    const villages: RegionNode[] = [];
    for (const code of new Set(request.villageCodes)) {
      const region = tree.getByCode(code);
      if (!region) throw new InvalidInputError("UNKNOWN_REGION", "villageCodes");
      if (region.level !== "VILLAGE") throw new InvalidInputError("NOT_A_VILLAGE", "villageCodes", { name: region.name });
      if (!tree.contains(county, region) || !region.path.startsWith(principal.regionPath)) throw new ForbiddenError("REGION_OUT_OF_SCOPE");
      villages.push(region);
    }

    const households = await prisma.household.findMany({
      where: {
        OR: villages.map((v) => ({ region: { path: { startsWith: v.path } } })),
        ...(request.scope === "MONITORED" ? { category: { in: [...monitoredCategories] } } : {}),
      },
      orderBy: { number: "asc" },
      select: { id: true, regionId: true },
    });

    const t = translator(locale);
    const eventId = crypto.randomUUID();
    const riskTypes = riskTypesOfEvent[request.type];
    const typeLabel = t(`riskEvents.types.${request.type}`);
    const description = t("riskEvents.leadDescription", {
      type: typeLabel,
      title: request.title,
      startsOn: request.startsOn,
      details: request.description ? t("riskEvents.leadDetails", { description: request.description }) : "",
    });
    const drafts: LeadDraft[] = households.map((h) => ({
      householdId: h.id,
      channel: "RISK_EVENT",
      riskTypes,
      description,
      action: "LEAD_FROM_RISK_EVENT",
      reason: t("riskEvents.leadReason", { type: typeLabel, title: request.title }),
      payload: { source: "RISK_EVENT", riskEventId: eventId, type: request.type },
      idempotencyKey: riskEventLeadKey(eventId, h.id),
      riskEventId: eventId,
    }));
    const now = this.deps.now();
    const planned = await this.leads.plan(drafts, now);
    const villageOf = (regionId: string) => {
      const region = tree.get(regionId)!;
      return tree.ancestorAt(region, "VILLAGE") ?? region;
    };

    let raised;
    try {
      raised = await prisma.$transaction(async (tx) => {
        await tx.riskEvent.create({
          data: {
            id: eventId,
            type: request.type,
            title: request.title,
            description: request.description ?? null,
            startsOn: new Date(`${request.startsOn}T00:00:00Z`),
            endsOn: request.endsOn ? new Date(`${request.endsOn}T00:00:00Z`) : null,
            scope: request.scope,
            regionPath: county.path,
            declaredById: principal.id,
            idempotencyKey: key,
            requestHash,
            createdAt: now,
            villages: { create: villages.map((v) => ({ regionId: v.id, regionPath: v.path })) },
          },
        });
        const results = await this.leads.raise(tx, principal, planned, now, locale);
        const byHousehold = new Map(households.map((h) => [h.id, h]));
        // A household already under review is tracked through its own case, which is told about the event.
        for (const r of results.filter((x) => x.outcome !== "LEAD_CREATED")) {
          const c = await tx.case.findUniqueOrThrow({ where: { id: r.caseId }, select: { stage: true } });
          await tx.caseEvent.create({
            data: {
              caseId: r.caseId,
              at: now,
              actorType: "STAFF",
              actorId: principal.id,
              actorRole: principal.role,
              action: "RISK_EVENT_LINKED",
              fromStage: c.stage,
              toStage: c.stage,
              reason: t("riskEvents.leadReason", { type: typeLabel, title: request.title }),
              payload: { riskEventId: eventId, type: request.type },
            },
          });
        }
        await tx.riskEventHousehold.createMany({
          data: results.map((r) => {
            const village = villageOf(byHousehold.get(r.householdId)!.regionId);
            return {
              eventId,
              householdId: r.householdId,
              villageId: village.id,
              villagePath: village.path,
              outcome: r.outcome === "LEAD_CREATED" ? "LEAD_CREATED" : "ALREADY_OPEN",
              caseId: r.caseId,
            };
          }),
        });
        return results;
      }, LeadService.transactionOptions(planned.length));
    } catch (error) {
      // The same declaration sent twice at once: the loser answers with the winner's event.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        const winner = await this.answerRetry(principal, key, requestHash, locale);
        if (winner) return winner;
      }
      throw error;
    }
    this.leads.announce(raised);
    return { ...(await this.detail(principal, eventId, locale)), duplicate: false };
  }

  private async answerRetry(principal: StaffPrincipal, key: string, requestHash: string, locale: Locale) {
    const existing = await this.deps.prisma.riskEvent.findUnique({
      where: { idempotencyKey: key },
      select: { id: true, requestHash: true },
    });
    if (!existing) return null;
    if (existing.requestHash !== requestHash) throw new ConflictError("IDEMPOTENCY_CONFLICT");
    return { ...(await this.detail(principal, existing.id, locale)), duplicate: true };
  }

  /** Events touching the caller's region, newest first. */
  async list(principal: StaffPrincipal, query: { limit: number }, locale: Locale) {
    const rows = await this.deps.prisma.riskEvent.findMany({
      where: { villages: { some: { regionPath: { startsWith: principal.regionPath } } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit,
      include: eventInclude,
    });
    const tracked = await this.tracked(
      rows.map((r) => r.id),
      principal,
    );
    return { items: await Promise.all(rows.map((row) => this.view(row, tracked.get(row.id) ?? [], locale))) };
  }

  async detail(principal: StaffPrincipal, eventId: string, locale: Locale) {
    const row = await this.deps.prisma.riskEvent.findFirst({
      where: { id: eventId, villages: { some: { regionPath: { startsWith: principal.regionPath } } } },
      include: eventInclude,
    });
    if (!row) throw new NotFoundError("RISK_EVENT_NOT_FOUND");
    const tracked = (await this.tracked([row.id], principal)).get(row.id) ?? [];
    const t = translator(locale);
    const now = this.deps.now();
    return {
      event: await this.view(row, tracked, locale),
      households: tracked.map((h) => ({
        householdNumber: h.householdNumber,
        headName: maskName(h.headName),
        villageCode: h.villageCode,
        villageName: h.villageName,
        outcome: h.outcome,
        outcomeLabel: t(`riskEvents.outcomes.${h.outcome}`),
        caseNumber: h.caseNumber,
        caseStatus: h.status,
        stage: h.stage,
        stageLabel: stageLabel(h.stage, locale),
        stageDueAt: h.stageDueAt?.toISOString() ?? null,
        stageDueProvisional: h.stageDueProvisional,
        overdue: h.status === "OPEN" && !!h.stageDueAt && h.stageDueAt < now,
      })),
    };
  }

  /** The households of the events inside the caller's region, with their cases as they stand now. */
  private async tracked(eventIds: string[], principal: StaffPrincipal) {
    const { prisma } = this.deps;
    const tree = await this.deps.regions.tree();
    const rows = eventIds.length
      ? await prisma.riskEventHousehold.findMany({
          where: { eventId: { in: eventIds }, villagePath: { startsWith: principal.regionPath } },
        })
      : [];
    const [cases, heads] = await Promise.all([
      prisma.case.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.caseId))] } },
        select: { id: true, number: true, status: true, stage: true, stageDueAt: true, stageDueProvisional: true },
      }),
      prisma.household.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.householdId))] } },
        select: { id: true, number: true, members: { where: { relation: "HEAD" }, select: { name: true }, take: 1 } },
      }),
    ]);
    const caseById = new Map(cases.map((c) => [c.id, c]));
    const householdById = new Map(heads.map((h) => [h.id, h]));
    const byEvent = new Map<string, (TrackedCase & { householdNumber: string; headName: string; caseNumber: string })[]>();
    for (const r of rows) {
      const c = caseById.get(r.caseId)!;
      const household = householdById.get(r.householdId);
      const village = tree.get(r.villageId);
      const list = byEvent.get(r.eventId) ?? [];
      list.push({
        villageCode: village?.code ?? "",
        villageName: village?.name ?? "",
        outcome: r.outcome,
        status: c.status,
        stage: c.stage,
        stageDueAt: c.stageDueAt,
        stageDueProvisional: c.stageDueProvisional,
        householdNumber: household?.number ?? "",
        headName: household?.members[0]?.name ?? "",
        caseNumber: c.number,
      });
      byEvent.set(r.eventId, list);
    }
    for (const list of byEvent.values())
      list.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNumber.localeCompare(b.householdNumber));
    return byEvent;
  }

  private async view(row: EventRow, tracked: TrackedCase[], locale: Locale) {
    const t = translator(locale);
    const tree = await this.deps.regions.tree();
    const declaredBy = await this.deps.prisma.staffAccount.findUnique({ where: { id: row.declaredById }, select: { displayName: true } });
    const progress = riskEventProgress(tracked, this.deps.now());
    return {
      id: row.id,
      type: row.type,
      typeLabel: t(`riskEvents.types.${row.type}`),
      title: row.title,
      description: row.description,
      startsOn: chinaDateText(row.startsOn)!,
      endsOn: chinaDateText(row.endsOn),
      scope: row.scope,
      scopeLabel: t(`riskEvents.scopes.${row.scope}`),
      riskTypes: riskTypesOfEvent[row.type],
      villages: row.villages
        .map((v) => tree.get(v.regionId))
        .filter((v): v is RegionNode => !!v)
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((v) => ({ code: v.code, name: v.name })),
      declaredBy: declaredBy?.displayName ?? "",
      createdAt: row.createdAt.toISOString(),
      progress: { ...progress, byStage: progress.byStage.map((s) => ({ ...s, stageLabel: stageLabel(s.stage, locale) })) },
    };
  }
}
