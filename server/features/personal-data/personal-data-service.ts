import type { DeclaredHousehold } from "../cases/case-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import type { MyData, PersonalCaseRecord, PersonExport, RevealRequest } from "./personal-data-schemas.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import { mayReveal } from "../../core/personal-data-policy.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../core/errors.ts";
import { maskIdNumber } from "../../core/personal-data.ts";
import { StaffAccessLog } from "./access-log.ts";
import { statusSelect, type CaseViewService } from "../cases/case-view-service.ts";
import type { ResidentPrincipal, StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { stageLabel } from "../cases/stage-view.ts";
import { type AccessContext } from "../../http/access-context.ts";

/** A case as one person's personal data: what they gave, what happened, consents and files. */
const recordSelect = {
  ...statusSelect,
  id: true,
  applicantName: true,
  contactPhoneEnc: true,
  applicantIdNumberEnc: true,
  description: true,
  addressText: true,
  bankName: true,
  bankAccountEnc: true,
  declaredHouseholdEnc: true,
  householdId: true,
  personalDataErasedAt: true,
  consents: { orderBy: { grantedAt: "asc" } },
  attachments: { orderBy: { createdAt: "asc" }, select: { id: true, kind: true, mimeType: true, size: true, createdAt: true } },
} satisfies Prisma.CaseSelect;
type RecordRow = Prisma.CaseGetPayload<{ select: typeof recordSelect }>;

/**
 * Full personal values, always accounted for: a staff member's reveal of one
 * value (with a reason, in the staff-access log), a resident's copy of
 * everything held about them (PIPL art. 45), and a county office's export of
 * one person's data on that person's request (audited like a reveal).
 */
export class PersonalDataService {
  private readonly accessLog: StaffAccessLog;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly caseViews: CaseViewService,
  ) {
    this.accessLog = new StaffAccessLog(deps);
  }

  async reveal(principal: StaffPrincipal, caseId: string, request: RevealRequest, context: AccessContext = {}) {
    const { prisma, cipher, now } = this.deps;
    if (!mayReveal(principal.role, request.field)) throw new ForbiddenError("FIELD_NOT_REVEALABLE");
    const c = await prisma.case.findFirst({
      where: { id: caseId, regionPath: { startsWith: principal.regionPath } },
      select: {
        id: true,
        contactPhoneEnc: true,
        applicantIdNumberEnc: true,
        bankName: true,
        bankAccountEnc: true,
        declaredHouseholdEnc: true,
        householdId: true,
        personalDataErasedAt: true,
      },
    });
    if (!c) throw new NotFoundError("CASE_NOT_FOUND");
    if (c.personalDataErasedAt) throw new ConflictError("PERSONAL_DATA_ERASED");
    let value: string | null = null;
    let subject: string = request.field;
    switch (request.field) {
      case "PHONE":
        value = cipher.decrypt(c.contactPhoneEnc) || null;
        break;
      case "ID_NUMBER":
        value = c.applicantIdNumberEnc ? cipher.decrypt(c.applicantIdNumberEnc) : null;
        break;
      case "BANK_ACCOUNT":
        value = c.bankAccountEnc ? cipher.decrypt(c.bankAccountEnc) : null;
        break;
      case "MEMBER_ID_NUMBER":
        if (request.memberId !== undefined) {
          const member = c.householdId
            ? await prisma.householdMember.findFirst({
                where: { id: request.memberId, householdId: c.householdId },
                select: { idNumberEnc: true },
              })
            : null;
          value = member ? cipher.decrypt(member.idNumberEnc) : null;
          subject = `MEMBER_ID_NUMBER:${request.memberId}`;
        } else {
          const declared = c.declaredHouseholdEnc ? (JSON.parse(cipher.decrypt(c.declaredHouseholdEnc)) as DeclaredHousehold) : null;
          value = declared?.members[request.declaredIndex!]?.idNumber ?? null;
          subject = `MEMBER_ID_NUMBER:declared:${request.declaredIndex}`;
        }
        break;
    }
    if (!value) throw new NotFoundError("NOTHING_TO_REVEAL");
    await this.accessLog.record(principal, [{ action: "REVEAL", caseId: c.id, subject, reason: request.reason }], context);
    return { field: request.field, value, bankName: request.field === "BANK_ACCOUNT" ? c.bankName : null, revealedAt: now().toISOString() };
  }

  /** Everything held about the calling resident: their identity, the cases they filed (in full), and the consents they gave. */
  async myData(principal: ResidentPrincipal, locale: Locale): Promise<MyData> {
    const { prisma, cipher, now } = this.deps;
    const me = await prisma.residentIdentity.findUnique({
      where: { id: principal.id },
      include: { household: { select: { number: true, address: true } } },
    });
    if (!me) throw new NotFoundError();
    const cases = await prisma.case.findMany({
      where: { reporterResidentId: me.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: recordSelect,
    });
    const consents = await prisma.consent.findMany({
      where: { grantorResidentId: me.id },
      orderBy: { grantedAt: "asc" },
      include: { case: { select: { number: true } } },
    });
    return {
      exportedAt: now().toISOString(),
      identity: {
        displayName: me.displayName,
        phone: me.phoneEnc ? cipher.decrypt(me.phoneEnc) : null,
        locale: me.locale,
        registeredAt: me.createdAt.toISOString(),
        household: me.household,
      },
      cases: await Promise.all(cases.map((c) => this.record(c, locale))),
      consents: consents.map((x) => ({ ...consentRecord(x), caseNumber: x.case?.number ?? null })),
    };
  }

  /**
   * What is held about the person with this ID number in the caller's region:
   * their household records, the cases they applied for (in full), and the
   * numbers of their household's other cases. Each case is written to the
   * staff-access log with the reason, and so is a search that found nothing.
   */
  async exportPerson(
    principal: StaffPrincipal,
    idNumber: string,
    reason: string,
    locale: Locale,
    context: AccessContext = {},
  ): Promise<PersonExport> {
    const { prisma, cipher, now } = this.deps;
    const hashes = cipher.lookupHashes(idNumber);
    const scope = { startsWith: principal.regionPath };
    const members = await prisma.householdMember.findMany({
      where: { idNumberHash: { in: hashes }, household: { region: { path: scope } } },
      include: { household: { select: { id: true, number: true, address: true, region: { select: { name: true } } } } },
    });
    const cases = await prisma.case.findMany({
      where: { applicantIdNumberHash: { in: hashes }, regionPath: scope },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: recordSelect,
    });
    const householdCases = await prisma.case.findMany({
      where: { householdId: { in: members.map((m) => m.household.id) }, id: { notIn: cases.map((c) => c.id) }, regionPath: scope },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, number: true, kind: true, status: true, createdAt: true },
    });
    const detail = { idNumberMasked: maskIdNumber(idNumber) };
    const touched = [...cases, ...householdCases].map((c) => ({ action: "EXPORT_PERSON" as const, caseId: c.id, reason, detail }));
    await this.accessLog.record(
      principal,
      touched.length > 0 ? touched : [{ action: "EXPORT_PERSON", reason, detail: { ...detail, found: members.length > 0 } }],
      context,
    );
    if (members.length === 0 && cases.length === 0) throw new NotFoundError("PERSON_NOT_FOUND");
    return {
      exportedAt: now().toISOString(),
      idNumber,
      householdMemberships: members.map((m) => ({
        householdNumber: m.household.number,
        regionName: m.household.region.name,
        address: m.household.address,
        name: m.name,
        relation: m.relation,
        birthDate: m.birthDate.toISOString().slice(0, 10),
        labourCapacity: m.labourCapacity,
        health: m.health,
        disability: m.disability,
        schooling: m.schooling,
      })),
      cases: await Promise.all(cases.map((c) => this.record(c, locale))),
      householdCases: householdCases.map((c) => ({
        number: c.number,
        kind: c.kind,
        status: c.status,
        submittedAt: c.createdAt.toISOString(),
      })),
    };
  }

  private async record(c: RecordRow, locale: Locale): Promise<PersonalCaseRecord> {
    const { cipher } = this.deps;
    const status = await this.caseViews.statusView(c, locale);
    return {
      number: c.number,
      kind: c.kind,
      status: c.status,
      stageLabel: stageLabel(c.stage, locale),
      submittedAt: c.createdAt.toISOString(),
      applicantName: c.applicantName,
      phone: cipher.decrypt(c.contactPhoneEnc) || null,
      idNumber: c.applicantIdNumberEnc ? cipher.decrypt(c.applicantIdNumberEnc) : null,
      description: c.description,
      address: c.addressText,
      bankAccount: c.bankAccountEnc ? { bankName: c.bankName, accountNumber: cipher.decrypt(c.bankAccountEnc) } : null,
      declaredHousehold: c.declaredHouseholdEnc ? (JSON.parse(cipher.decrypt(c.declaredHouseholdEnc)) as DeclaredHousehold) : null,
      personalDataErasedAt: c.personalDataErasedAt?.toISOString() ?? null,
      timeline: status.timeline,
      consents: c.consents.map(consentRecord),
      attachments: c.attachments.map((a) => ({
        id: a.id,
        kind: a.kind,
        mimeType: a.mimeType,
        size: a.size,
        uploadedAt: a.createdAt.toISOString(),
      })),
    };
  }
}

function consentRecord(x: { scope: string; method: string; grantorName: string; grantedAt: Date; revokedAt: Date | null }) {
  return {
    scope: x.scope,
    method: x.method,
    grantorName: x.grantorName,
    grantedAt: x.grantedAt.toISOString(),
    revokedAt: x.revokedAt?.toISOString() ?? null,
  };
}
