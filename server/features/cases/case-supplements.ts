import type { ResidentPrincipal } from "../../core/principal.ts";
import { InvalidInputError, NotFoundError } from "../../core/errors.ts";
import type { ServiceDeps } from "../../service-deps.ts";

/** How much a resident may add to an open case at once (the report's own description limit). */
const maxSupplementLength = 2000;

/**
 * More about a case already open, sent by its applicant (the bot's "这是那件事的补充"): one
 * event on the case, with the text and any files sent with it, which the desk reads on the case
 * page; never a second case for the same trouble.
 */
export class CaseSupplements {
  constructor(private readonly deps: Pick<ServiceDeps, "prisma" | "now">) {}

  async add(principal: ResidentPrincipal, caseNumber: string, text: string, attachmentIds: string[]): Promise<{ caseNumber: string }> {
    const { prisma, now } = this.deps;
    const said = text.trim().slice(0, maxSupplementLength);
    if (!said && attachmentIds.length === 0) throw new InvalidInputError("SUPPLEMENT_EMPTY", "text");
    return prisma.$transaction(async (tx) => {
      const c = await tx.case.findFirst({
        where: { number: caseNumber, reporterResidentId: principal.id, status: "OPEN" },
        select: { id: true, number: true, stage: true },
      });
      if (!c) throw new NotFoundError("CASE_NOT_FOUND");
      if (attachmentIds.length > 0) {
        const linked = await tx.attachment.updateMany({
          where: { id: { in: attachmentIds }, caseId: null, uploadedById: principal.id },
          data: { caseId: c.id },
        });
        if (linked.count !== attachmentIds.length) throw new InvalidInputError("ATTACHMENT_NOT_FOUND", "attachmentIds");
      }
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now(),
          actorType: "RESIDENT",
          actorId: principal.id,
          actorRole: "RESIDENT",
          action: "SUPPLEMENT_ADDED",
          fromStage: c.stage,
          toStage: c.stage,
          reason: said || null,
          payload: { attachmentIds },
        },
      });
      return { caseNumber: c.number };
    });
  }
}
