import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { CaseKind } from "../../core/vocabulary.ts";
import type { PrismaClient } from "../../platform/database/database.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import { workflowDefinitionSchema, type WorkflowDefinition } from "./definition.ts";
import type { RegionNode, RegionTree } from "../../core/regions/routing.ts";

const shippedDir = path.resolve(import.meta.dirname, "definitions");

export function readDefinitionFile(file: string): WorkflowDefinition {
  const parsed = workflowDefinitionSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(
      `Invalid workflow definition ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** The shipped definitions (server/features/workflow/definitions/*.json) followed by a county's own files, which take precedence in their region. */
export function loadDefinitionFiles(extraFiles: string[]): WorkflowDefinition[] {
  const shipped = fs
    .readdirSync(shippedDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => path.join(shippedDir, f));
  return [...shipped, ...extraFiles].map(readDefinitionFile);
}

interface StoredDefinition {
  id: string;
  definition: WorkflowDefinition;
}

/**
 * Stores each distinct definition once as a numbered version and hands out
 * the current one for a new case; a case keeps the version id it started on,
 * so changing a county's rules never moves a running case.
 */
export class WorkflowRegistry {
  private readonly byId = new Map<string, WorkflowDefinition>();
  private current: StoredDefinition[] = [];

  constructor(private readonly prisma: PrismaClient) {}

  async register(definitions: WorkflowDefinition[]): Promise<void> {
    const current: StoredDefinition[] = [];
    for (const definition of definitions) {
      const regionCode = definition.regionCode ?? "";
      const checksum = crypto.createHash("sha256").update(JSON.stringify(definition)).digest("hex");
      const stored = await this.prisma.$transaction(async (tx) => {
        // Instances starting together with a new definition take turns: one stores it, the others find it.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(727002)`;
        const existing = await tx.workflowDefinition.findUnique({
          where: { key_regionCode_checksum: { key: definition.key, regionCode, checksum } },
        });
        if (existing) return existing;
        const latest = await tx.workflowDefinition.findFirst({ where: { key: definition.key, regionCode }, orderBy: { version: "desc" } });
        return tx.workflowDefinition.create({
          data: { key: definition.key, regionCode, checksum, version: (latest?.version ?? 0) + 1, body: definition },
        });
      });
      this.byId.set(stored.id, definition);
      current.push({ id: stored.id, definition });
    }
    this.current = current;
  }

  /** The definition for a new case of this kind in this region: the most specific region's, else the default. */
  forNewCase(kind: CaseKind, region: RegionNode, tree: RegionTree): StoredDefinition {
    const candidates = this.current.filter((c) => c.definition.appliesTo.includes(kind));
    const scoped = candidates
      .filter(
        (c) =>
          c.definition.regionCode &&
          tree.getByCode(c.definition.regionCode) &&
          tree.contains(tree.getByCode(c.definition.regionCode)!, region),
      )
      .sort((a, b) => (b.definition.regionCode?.length ?? 0) - (a.definition.regionCode?.length ?? 0));
    const chosen = scoped[0] ?? candidates.find((c) => !c.definition.regionCode);
    if (!chosen) throw new Error(`No workflow definition applies to ${kind}`);
    return chosen;
  }

  /**
   * A case's own version, loaded from the database when this process has not seen it: inside a transaction
   * through that transaction (`db`), as the embedded database runs one transaction at a time and a read
   * beside it would wait for it to end.
   */
  async byVersion(id: string, db: Pick<Prisma.TransactionClient, "workflowDefinition"> = this.prisma): Promise<WorkflowDefinition> {
    const known = this.byId.get(id);
    if (known) return known;
    const row = await db.workflowDefinition.findUniqueOrThrow({ where: { id } });
    const definition = workflowDefinitionSchema.parse(row.body);
    this.byId.set(id, definition);
    return definition;
  }
}
