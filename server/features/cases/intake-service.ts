import crypto from "node:crypto";
import { householdReachPath } from "../../core/reach.ts";
import type { Acknowledgement, SubmitCaseRequest } from "./case-schemas.ts";
import type { Channel, Locale } from "../../core/vocabulary.ts";
import { classifyRisks } from "../understanding/risk-classifier.ts";
import { routeCase } from "../../core/regions/routing.ts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { inTransaction, openCases, type CaseOpening } from "./case-opening.ts";
import type { Principal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { nextStep, stageLabel } from "./stage-view.ts";
import type { WorkflowService } from "../workflow/workflow-service.ts";

export interface SubmitCommand {
  principal: Principal;
  request: SubmitCaseRequest;
  idempotencyKey: string;
  locale: Locale;
  /** When it was received; now unless replaying an earlier report (the demo county's history). */
  at?: Date;
}

/** Turns a report or application into a routed case, exactly once per idempotency key. */
export class IntakeService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly workflow: WorkflowService,
  ) {}

  async submit({ principal, request, idempotencyKey, locale, at }: SubmitCommand): Promise<Acknowledgement> {
    const key = `${principal.kind}:${principal.id}:${idempotencyKey}`;
    const requestHash = hashRequest(request);

    if (principal.kind === "resident" && request.onBehalf) throw new ForbiddenError("PROXY_ONLY_FOR_STAFF");
    if (principal.kind === "staff" && !request.onBehalf) throw new InvalidInputError("PROXY_NOT_CONFIRMED", "onBehalf");

    const { prisma, cipher, regions, now } = this.deps;
    const tree = await regions.tree();
    if (request.regionCode && !tree.getByCode(request.regionCode)) throw new InvalidInputError("UNKNOWN_REGION", "regionCode");

    const idNumberHash = request.idNumber ? cipher.lookupHash(request.idNumber) : null;
    const member = request.idNumber
      ? await prisma.householdMember.findFirst({
          where: { idNumberHash: { in: cipher.lookupHashes(request.idNumber) } },
          select: { household: { select: { id: true, regionId: true } } },
        })
      : null;
    if (request.householdId && principal.kind !== "staff") throw new ForbiddenError("HOUSEHOLD_ONLY_FOR_STAFF");
    const picked =
      request.householdId && principal.kind === "staff"
        ? await prisma.household.findFirst({
            where: { id: request.householdId, region: { path: { startsWith: householdReachPath(principal) } } },
            select: { id: true, regionId: true },
          })
        : null;
    if (request.householdId && !picked) throw new NotFoundError("HOUSEHOLD_NOT_FOUND");
    const household = picked ?? member?.household ?? null;
    const decision = routeCase(tree, {
      householdRegionId: household?.regionId,
      regionCode: request.regionCode,
      address: request.address ?? request.description,
      reporterRegionId: principal.kind === "staff" ? principal.regionId : undefined,
    });
    const submittedAt = at ?? now();
    const start = await this.workflow.planStart(request.kind, decision, submittedAt);
    const riskTypes = request.riskTypes ?? classifyRisks(request.description);
    const channel = channelOf(principal);

    const opening: CaseOpening = {
      at: submittedAt,
      decision,
      start,
      fields: {
        kind: request.kind,
        channel,
        riskTypes,
        description: request.description,
        addressText: request.address ?? null,
        applicantName: request.applicantName,
        contactPhoneEnc: cipher.encrypt(request.phone),
        contactPhoneHash: cipher.lookupHash(request.phone),
        applicantIdNumberEnc: request.idNumber ? cipher.encrypt(request.idNumber) : null,
        applicantIdNumberHash: idNumberHash,
        declaredHouseholdEnc: request.household ? cipher.encrypt(JSON.stringify(request.household)) : null,
        bankName: request.bankAccount?.bankName ?? null,
        bankAccountEnc: request.bankAccount ? cipher.encrypt(request.bankAccount.accountNumber) : null,
        bankAccountHash: request.bankAccount ? cipher.lookupHash(request.bankAccount.accountNumber) : null,
        householdId: household?.id ?? null,
        reporterResidentId: principal.kind === "resident" ? principal.id : null,
        reporterStaffId: principal.kind === "staff" ? principal.id : null,
        locale: request.locale ?? locale,
        idempotencyKey: key,
        requestHash,
      },
      filed: {
        ...(principal.kind === "staff"
          ? { actorType: "STAFF" as const, actorId: principal.id, actorRole: principal.role }
          : { actorType: "RESIDENT" as const, actorId: principal.id, actorRole: "RESIDENT" }),
        action: principal.kind === "staff" ? "SUBMITTED_BY_STAFF" : "SUBMITTED",
        payload: { kind: request.kind, channel, riskTypes, classified: !request.riskTypes, attachments: request.attachmentIds.length },
      },
      consents: this.consents(household?.id ?? null, principal, request, submittedAt),
    };
    // The case and everything it starts with are one statement; only linking photos needs a transaction around it.
    const [created] =
      request.attachmentIds.length === 0
        ? await openCases(this.deps.sql, this.workflow, [opening])
        : await prisma.$transaction(async (tx) => {
            const opened = await openCases(inTransaction(tx), this.workflow, [opening]);
            if (opened.length === 0) return opened;
            const linked = await tx.attachment.updateMany({
              where: { id: { in: request.attachmentIds }, caseId: null, uploadedById: principal.id },
              data: { caseId: opened[0]!.record.id },
            });
            if (linked.count !== new Set(request.attachmentIds).size) throw new InvalidInputError("ATTACHMENT_NOT_FOUND", "attachmentIds");
            return opened;
          });
    // Nothing opened: the key was taken, by an earlier copy of this submission (or a racing one).
    if (!created) return this.answerRetry(key, requestHash, locale);
    this.deps.notifier.publish(created.notice);
    return this.acknowledge({ ...created.record, riskTypes }, false, locale);
  }

  private consents(householdId: string | null, principal: Principal, request: SubmitCaseRequest, at: Date) {
    const method = request.onBehalf?.confirmationMethod ?? "WECHAT_CONFIRMATION";
    const base = {
      householdId,
      grantorName: request.applicantName,
      grantorResidentId: principal.kind === "resident" ? principal.id : null,
      method,
      recordedByStaffId: principal.kind === "staff" ? principal.id : null,
      grantedAt: at,
    };
    const scopes: ("PERSONAL_INFORMATION" | "FAMILY_ECONOMIC_CHECK" | "PROXY_FILING")[] = ["PERSONAL_INFORMATION"];
    if (request.consent.familyEconomicCheck) scopes.push("FAMILY_ECONOMIC_CHECK");
    if (principal.kind === "staff") scopes.push("PROXY_FILING");
    const grantors = [
      { grantorName: request.applicantName, grantorResidentId: base.grantorResidentId },
      ...(request.consent.alsoAgreed ?? []).map((name) => ({ grantorName: name, grantorResidentId: null })),
    ];
    // Proxy filing is the applicant's consent to the staff member, not the other members'.
    return grantors.flatMap((grantor, i) =>
      scopes.filter((scope) => i === 0 || scope !== "PROXY_FILING").map((scope) => ({ ...base, ...grantor, scope })),
    );
  }

  private async answerRetry(key: string, requestHash: string, locale: Locale): Promise<Acknowledgement> {
    const existing = await this.deps.prisma.case.findUnique({ where: { idempotencyKey: key } });
    // The key's case was opened by a statement not yet visible to this one: the submission is taken; a retry will see it.
    if (!existing) throw new ConflictError("SUBMISSION_IN_PROGRESS");
    if (existing.requestHash !== requestHash) throw new ConflictError("IDEMPOTENCY_CONFLICT");
    return this.acknowledge(existing, true, locale);
  }

  private async acknowledge(
    record: {
      id: string;
      number: string;
      status: Acknowledgement["status"];
      stage: string;
      riskTypes: Acknowledgement["riskTypes"];
      regionId: string;
      routing: string;
      stageDueAt: Date | null;
      stageDueProvisional: boolean;
      createdAt: Date;
    },
    duplicate: boolean,
    locale: Locale,
  ): Promise<Acknowledgement> {
    const tree = await this.deps.regions.tree();
    const region = tree.get(record.regionId)!;
    const step = nextStep(record.stage, region.name, { at: record.stageDueAt, provisional: record.stageDueProvisional }, locale);
    return {
      caseId: record.id,
      number: record.number,
      status: record.status,
      stage: record.stage,
      stageLabel: stageLabel(record.stage, locale),
      riskTypes: record.riskTypes,
      routedTo: { regionCode: region.code, regionName: region.name, level: region.level, triage: record.routing !== "VILLAGE" },
      nextStep: step,
      duplicate,
      submittedAt: record.createdAt.toISOString(),
      message: translator(locale)("acknowledgement.received", { number: record.number, nextStep: step.text }),
    };
  }
}

function channelOf(principal: Principal): Channel {
  if (principal.kind === "staff") return principal.role === "GRID_WORKER" ? "GRID_WORKER" : "CADRE_VISIT";
  return principal.client === "BOT" ? "BOT" : principal.client === "WEB" ? "WEB" : "MINI_PROGRAM";
}

/** Canonical JSON (sorted keys) so the same submission hashes the same however it was serialised. */
export function hashRequest(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return crypto
    .createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex");
}
