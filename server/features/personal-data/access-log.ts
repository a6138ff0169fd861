import type { Prisma, StaffAccessAction } from "../../platform/database/generated/client.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import type { AccessContext } from "../../http/access-context.ts";

/** Where a staff access came from, for the log: the request's id and the client's address. */

export interface AccessEntry {
  action: StaffAccessAction;
  caseId?: string | null;
  subject?: string | null;
  reason?: string | null;
  /** Filters, masked identifiers; never a clear personal value. */
  detail?: Prisma.InputJsonValue;
}

type Db = Pick<Prisma.TransactionClient, "staffAccessLog">;

/**
 * The staff-access log: who among the staff saw which case, when and why.
 * Written before the answer leaves, so a view that could not be logged is not
 * shown; the database keeps the rows append-only (see the migration).
 */
export class StaffAccessLog {
  constructor(private readonly deps: Pick<ServiceDeps, "prisma" | "now">) {}

  async record(
    principal: StaffPrincipal,
    entries: readonly AccessEntry[],
    context: AccessContext = {},
    db: Db = this.deps.prisma,
  ): Promise<void> {
    if (entries.length === 0) return;
    const at = this.deps.now();
    await db.staffAccessLog.createMany({
      data: entries.map((entry) => ({
        at,
        staffId: principal.id,
        staffRole: principal.role,
        action: entry.action,
        caseId: entry.caseId ?? null,
        subject: entry.subject ?? null,
        reason: entry.reason ?? null,
        detail: entry.detail ?? {},
        requestId: context.requestId ?? null,
        ip: context.ip ?? null,
      })),
    });
  }
}
