import { maskName } from "../../core/personal-data.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import { householdReachPath } from "../../core/reach.ts";
import { isValidIdNumber } from "../../core/vocabulary.ts";
import type { ServiceDeps } from "../../service-deps.ts";

export interface HouseholdSearchHit {
  id: string;
  number: string;
  headName: string;
  headNameMasked: string;
  regionName: string;
  address: string;
}

const maxHits = 8;

/**
 * Households a staff member may look up: only in their own region (a grid worker: their village). Found by a
 * member's name, the household number, or a full ID number (exact, through its
 * lookup hash; ID numbers are never searched in clear).
 */
export class HouseholdDirectory {
  constructor(private readonly deps: ServiceDeps) {}

  async search(principal: StaffPrincipal, query: string): Promise<HouseholdSearchHit[]> {
    const q = query.trim().replace(/^(户主|户号|名字|姓名)[:：\s]*/, "");
    if (q.length < 2) return [];
    // An ID number is searched by its lookup hash; a household number may look like one (18 digits), so both are tried.
    const idNumber = isValidIdNumber(q.toUpperCase()) ? q.toUpperCase() : null;
    const rows = await this.deps.prisma.household.findMany({
      where: {
        region: { path: { startsWith: householdReachPath(principal) } },
        OR: idNumber
          ? [{ number: q }, { members: { some: { idNumberHash: { in: this.deps.cipher.lookupHashes(idNumber) } } } }]
          : [{ number: q }, { members: { some: { name: { contains: q } } } }],
      },
      include: { members: { where: { relation: "HEAD" }, select: { name: true } }, region: { select: { name: true } } },
      orderBy: { number: "asc" },
      take: maxHits,
    });
    return rows.map((h) => {
      const headName = h.members[0]?.name ?? "";
      return { id: h.id, number: h.number, headName, headNameMasked: maskName(headName), regionName: h.region.name, address: h.address };
    });
  }
}
