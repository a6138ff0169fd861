import type { Channel, RiskType } from "../../core/vocabulary.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import { ForbiddenError, NotFoundError } from "../../core/errors.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";

export interface CaseFilters {
  regionCode?: string;
  status?: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | "WITHDRAWN";
  stage?: string;
  riskType?: RiskType;
  channel?: Channel;
  overdue?: boolean;
}

/** The staff queue's filters, always inside the caller's region; the queue and the ledgers share them. */
export async function caseFilterWhere(
  deps: Pick<ServiceDeps, "regions" | "now">,
  principal: StaffPrincipal,
  query: CaseFilters,
): Promise<Prisma.CaseWhereInput[]> {
  const tree = await deps.regions.tree();
  let scope = principal.regionPath;
  if (query.regionCode) {
    const region = tree.getByCode(query.regionCode);
    if (!region) throw new NotFoundError("UNKNOWN_REGION");
    if (!region.path.startsWith(principal.regionPath)) throw new ForbiddenError("REGION_OUT_OF_SCOPE");
    scope = region.path;
  }
  // By region id, not path prefix: the database can then use an index (a prefix cannot be, under the server's
  // collation) — a village reads its own index range in date order, a township walks the newest open cases.
  // Only ids: a redundant path condition makes PostgreSQL misjudge how many rows match (BENCHMARKS.md).
  const where: Prisma.CaseWhereInput[] = [{ regionId: { in: tree.idsUnder(scope) } }];
  if (query.status) where.push({ status: query.status });
  if (query.stage) where.push({ stage: query.stage });
  if (query.riskType) where.push({ riskTypes: { has: query.riskType } });
  if (query.channel) where.push({ channel: query.channel });
  if (query.overdue !== undefined) {
    const now = deps.now();
    where.push(
      query.overdue
        ? { status: "OPEN", stageDueAt: { lt: now } }
        : { OR: [{ stageDueAt: null }, { stageDueAt: { gte: now } }, { status: { not: "OPEN" } }] },
    );
  }
  return where;
}
