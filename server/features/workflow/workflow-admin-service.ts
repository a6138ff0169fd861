import type { Locale } from "../../core/vocabulary.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { workflowDefinitionSchema } from "./definition.ts";
import type { WorkflowRegistry } from "./workflow-registry.ts";
import type { WorkflowDefinitionsView } from "./workflow-admin-schemas.ts";

/** How many problems of a refused definition the answer lists. */
const listedProblems = 10;

/**
 * Workflow definitions, administered: a county's own definition uploaded in the console is checked against the
 * definition format (every stage reachable, every reference a stage), stored as a new version and put in force
 * for new cases of the county on every instance; running cases keep the version they started on.
 */
export class WorkflowAdminService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly registry: WorkflowRegistry,
  ) {}

  private countyOf(principal: StaffPrincipal) {
    return principal.regionPath.split("/")[0]!;
  }

  async view(principal: StaffPrincipal, _locale: Locale): Promise<WorkflowDefinitionsView> {
    const county = this.countyOf(principal);
    const mine = (regionCode: string) => regionCode === "" || regionCode.startsWith(county) || county.startsWith(regionCode);
    const versions = new Map(
      (await this.deps.prisma.workflowDefinition.findMany({ select: { id: true, version: true } })).map((d) => [d.id, d.version]),
    );
    const uploads = await this.deps.prisma.workflowUpload.findMany({
      where: { OR: [{ regionCode: { startsWith: county } }, { regionCode: "" }] },
      orderBy: { id: "desc" },
      take: 100,
      include: { definition: { select: { version: true } } },
    });
    return {
      items: this.registry
        .inForce()
        .filter((d) => mine(d.definition.regionCode ?? ""))
        .map((d) => ({
          id: d.id,
          key: d.definition.key,
          regionCode: d.definition.regionCode ?? "",
          version: versions.get(d.id) ?? 0,
          appliesTo: d.definition.appliesTo,
          stages: d.definition.stages.length,
          source: d.upload ? ("CONSOLE" as const) : ("FILE" as const),
          uploadedBy: d.upload?.actorName ?? null,
          uploadedAt: d.upload?.at.toISOString() ?? null,
          reason: d.upload?.reason ?? null,
        })),
      history: uploads.map((u) => ({
        at: u.at.toISOString(),
        key: u.key,
        regionCode: u.regionCode,
        version: u.definition.version,
        definitionId: u.definitionId,
        actorName: u.actorName,
        reason: u.reason,
      })),
    };
  }

  /** One stored version's JSON, to download, edit and upload again. */
  async definition(principal: StaffPrincipal, id: string) {
    const row = await this.deps.prisma.workflowDefinition.findUnique({ where: { id } });
    const county = this.countyOf(principal);
    if (!row || !(row.regionCode === "" || row.regionCode.startsWith(county))) throw new NotFoundError("WORKFLOW_DEFINITION_NOT_FOUND");
    return { id: row.id, key: row.key, regionCode: row.regionCode, version: row.version, definition: row.body };
  }

  /** Checks the definition and puts it in force for new cases of the county. */
  async upload(principal: StaffPrincipal, body: Record<string, unknown>, reason: string, locale: Locale): Promise<WorkflowDefinitionsView> {
    if (principal.role !== "ADMIN") throw new ForbiddenError();
    const parsed = workflowDefinitionSchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, listedProblems).map((i) => `${i.path.join(".") || "(definition)"}: ${i.message}`);
      throw new InvalidInputError("WORKFLOW_DEFINITION_INVALID", "definition", { problems: problems.join("; ") });
    }
    const definition = parsed.data;
    const county = this.countyOf(principal);
    if (!definition.regionCode) throw new InvalidInputError("WORKFLOW_REGION_REQUIRED", "definition", { county });
    if (!definition.regionCode.startsWith(county))
      throw new InvalidInputError("WORKFLOW_REGION_OUT_OF_SCOPE", "definition", { regionCode: definition.regionCode, county });
    await this.registry.upload(definition, { id: principal.id, name: principal.displayName }, reason, this.deps.now());
    await this.registry.loadUploads(() => undefined);
    this.deps.notifier.workflowsChanged();
    return this.view(principal, locale);
  }
}
