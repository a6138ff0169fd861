import type { PrismaClient } from "../platform/database/database.ts";
import { householdReachPath } from "../core/reach.ts";
import { type AppError, ForbiddenError, NotFoundError } from "../core/errors.ts";
import type { Principal, StaffPrincipal } from "../core/principal.ts";
import type { RegionDirectory } from "../platform/region-directory.ts";
import { isLedgerId } from "../core/vocabulary.ts";
import { taskRegionFilter } from "../core/reach.ts";

export interface ObjectScopeDeps {
  prisma: PrismaClient;
  regions: RegionDirectory;
}

/** How one kind of object a route path names is reached. */
export interface ObjectScope {
  /** The path parameters that name it; a route names it by one of them. */
  params: readonly string[];
  /** Which residents reach it: its own (filed by them or about their household), any resident, or none. */
  residents: "own" | "any" | null;
  /**
   * Whether the caller reaches the object the parameter names: null when it does, else the answer. An object
   * out of scope answers as if it did not exist (404), so identifiers cannot be probed; places are public
   * knowledge, so a region out of scope answers 403 REGION_OUT_OF_SCOPE.
   */
  check(deps: ObjectScopeDeps, principal: Principal, param: string, value: string): Promise<AppError | null>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const within = (principal: StaffPrincipal) => ({ startsWith: principal.regionPath });

/** Staff-only objects found by id within the caller's region (as `where` selects it), else `code`. */
function staffObject(code: string, find: (prisma: PrismaClient, id: string, staff: StaffPrincipal) => Promise<unknown>): ObjectScope {
  return {
    params: ["id"],
    residents: null,
    async check({ prisma }, principal, _param, id) {
      if (principal.kind !== "staff" || !uuidPattern.test(id)) return new NotFoundError(code);
      return (await find(prisma, id, principal)) ? null : new NotFoundError(code);
    },
  };
}

/**
 * The kinds of object a route path may name, and who reaches each: staff
 * within their region, residents by the kind's rule. The access gate
 * (server/http/access.ts) checks a route's object before its body is read;
 * the services narrow their own queries the same way.
 */
export const objectScopes = {
  case: {
    params: ["id", "number"],
    residents: "own",
    async check({ prisma }, principal, param, value) {
      if (param === "id" && !uuidPattern.test(value)) return new NotFoundError("CASE_NOT_FOUND");
      const found = await prisma.case.findFirst({
        where: {
          ...(param === "id" ? { id: value } : { number: value }),
          ...(principal.kind === "staff"
            ? { regionPath: within(principal) }
            : { OR: [{ reporterResidentId: principal.id }, { household: { residents: { some: { id: principal.id } } } }] }),
        },
        select: { id: true },
      });
      return found ? null : new NotFoundError("CASE_NOT_FOUND");
    },
  },
  // Grid workers do their village's home visits, so a task at the village above them is theirs to reach.
  task: staffObject("TASK_NOT_FOUND", (prisma, id, staff) =>
    prisma.caseTask.findFirst({
      where: { id, regionPath: taskRegionFilter(staff) },
      select: { id: true },
    }),
  ),
  attachment: staffObject("ATTACHMENT_NOT_FOUND", (prisma, id, staff) =>
    prisma.attachment.findFirst({ where: { id, case: { regionPath: within(staff) } }, select: { id: true } }),
  ),
  // A grid worker reaches the households of their whole village (core/reach.ts).
  household: staffObject("HOUSEHOLD_NOT_FOUND", (prisma, id, staff) =>
    prisma.household.findFirst({ where: { id, region: { path: { startsWith: householdReachPath(staff) } } }, select: { id: true } }),
  ),
  screeningImport: staffObject("SCREENING_IMPORT_NOT_FOUND", (prisma, id, staff) =>
    prisma.screeningImport.findFirst({ where: { id, regionPath: within(staff) }, select: { id: true } }),
  ),
  // An event reaches every office whose region holds one of its villages.
  riskEvent: staffObject("RISK_EVENT_NOT_FOUND", (prisma, id, staff) =>
    prisma.riskEvent.findFirst({ where: { id, villages: { some: { regionPath: within(staff) } } }, select: { id: true } }),
  ),
  // A need dispatched to a department is that department's, in its county.
  assignment: staffObject("ASSIGNMENT_NOT_FOUND", (prisma, id, staff) =>
    prisma.departmentAssignment.findFirst({
      where: { id, department: staff.department ?? "", regionPath: within(staff) },
      select: { id: true },
    }),
  ),
  /** A village by its code: residents reach any (publicity lists are public notices); staff the villages in their region or above them. */
  village: {
    params: ["villageCode"],
    residents: "any",
    async check({ regions }, principal, _param, code) {
      const village = (await regions.tree()).getByCode(code);
      if (!village || village.level !== "VILLAGE") return new NotFoundError("UNKNOWN_REGION");
      if (principal.kind === "resident" || village.path.startsWith(principal.regionPath) || principal.regionPath.startsWith(village.path))
        return null;
      return new ForbiddenError("REGION_OUT_OF_SCOPE");
    },
  },
  /** A staff account: the administrators of its region (or above it) reach it. */
  householdImport: staffObject("HOUSEHOLD_IMPORT_NOT_FOUND", (prisma, id, staff) =>
    prisma.householdImport.findFirst({ where: { id, regionPath: within(staff) }, select: { id: true } }),
  ),
  // A background job belongs to the region of whoever started it.
  job: staffObject("JOB_NOT_FOUND", (prisma, id, staff) =>
    prisma.job.findFirst({ where: { id, regionPath: within(staff) }, select: { id: true } }),
  ),
  // A county's own definitions, and the defaults every county starts on.
  workflowDefinition: staffObject("WORKFLOW_DEFINITION_NOT_FOUND", (prisma, id, staff) =>
    prisma.workflowDefinition.findFirst({
      where: { id, OR: [{ regionCode: "" }, { regionCode: { startsWith: staff.regionPath.split("/")[0]! } }] },
      select: { id: true },
    }),
  ),
  staffAccount: staffObject("STAFF_NOT_FOUND", (prisma, id, staff) =>
    prisma.staffAccount.findFirst({ where: { id, region: { path: within(staff) } }, select: { id: true } }),
  ),
  /** A ledger of the catalog (server/features/dashboard-and-ledgers/ledgers.ts); what it lists is narrowed to the caller's region by the service. */
  ledger: {
    params: ["id"],
    residents: null,
    async check(_deps, _principal, _param, id) {
      return isLedgerId(id) ? null : new NotFoundError("LEDGER_NOT_FOUND");
    },
  },
} as const satisfies Record<string, ObjectScope>;

export type ObjectKind = keyof typeof objectScopes;
export const objectKinds = Object.keys(objectScopes) as ObjectKind[];
