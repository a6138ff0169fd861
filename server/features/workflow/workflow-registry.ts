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

/**
 * The shipped definitions (server/features/workflow/definitions/*.json) followed by a county's own files, which take
 * precedence in their region. A county file that cannot be read is left out and reported (`onProblem`): the server
 * starts on the defaults rather than not at all. A shipped one that cannot be read is a bug, and stops the start.
 */
export function loadDefinitionFiles(
  extraFiles: string[],
  onProblem: (file: string, message: string) => void = throwProblem,
): WorkflowDefinition[] {
  const shipped = fs
    .readdirSync(shippedDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readDefinitionFile(path.join(shippedDir, f)));
  const county = extraFiles.flatMap((file) => {
    try {
      return [readDefinitionFile(file)];
    } catch (error) {
      onProblem(file, (error as Error).message);
      return [];
    }
  });
  return [...shipped, ...county];
}

function throwProblem(file: string, message: string): never {
  throw new Error(`${file}: ${message}`);
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
  private files: StoredDefinition[] = [];
  private uploads: (StoredDefinition & { version: number; upload: { actorName: string; reason: string; at: Date } })[] = [];

  constructor(private readonly prisma: PrismaClient) {}

  /** Stores a definition as a version of its key and region, once per content; answers that version. */
  private async store(tx: Prisma.TransactionClient, definition: WorkflowDefinition) {
    const regionCode = definition.regionCode ?? "";
    const checksum = crypto.createHash("sha256").update(JSON.stringify(definition)).digest("hex");
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
  }

  /** The files' definitions (shipped, then WORKFLOW_FILES): in force unless an upload of the same key and region is. */
  async register(definitions: WorkflowDefinition[]): Promise<void> {
    const files: StoredDefinition[] = [];
    for (const definition of definitions) {
      const stored = await this.prisma.$transaction((tx) => this.store(tx, definition));
      this.byId.set(stored.id, definition);
      files.push({ id: stored.id, definition });
    }
    this.files = files;
    this.recompute();
  }

  /**
   * The definitions put in force from the console: the latest upload of each key and region. One whose stored body
   * no longer reads as a definition (a later release changed the format) is left out and reported, never stopping
   * the start: the file's definition of that key, or the default, applies.
   */
  async loadUploads(onProblem: (problem: { key: string; regionCode: string; message: string }) => void): Promise<void> {
    const latest = await this.prisma.$queryRaw<{ id: bigint }[]>`
      SELECT DISTINCT ON ("key", "regionCode") "id" FROM "WorkflowUpload" ORDER BY "key", "regionCode", "id" DESC`;
    const rows = await this.prisma.workflowUpload.findMany({
      where: { id: { in: latest.map((r) => r.id) } },
      include: { definition: true },
    });
    const uploads: typeof this.uploads = [];
    for (const row of rows) {
      const parsed = workflowDefinitionSchema.safeParse(row.definition.body);
      if (!parsed.success) {
        onProblem({
          key: row.key,
          regionCode: row.regionCode,
          message: parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "),
        });
        continue;
      }
      this.byId.set(row.definitionId, parsed.data);
      uploads.push({
        id: row.definitionId,
        definition: parsed.data,
        version: row.definition.version,
        upload: { actorName: row.actorName, reason: row.reason, at: row.at },
      });
    }
    this.uploads = uploads;
    this.recompute();
  }

  /** Puts a (validated) definition in force from the console: stored as a version, and the upload recorded. */
  async upload(definition: WorkflowDefinition, actor: { id: string | null; name: string }, reason: string, at: Date) {
    const stored = await this.prisma.$transaction(async (tx) => {
      const version = await this.store(tx, definition);
      await tx.workflowUpload.create({
        data: {
          definitionId: version.id,
          key: definition.key,
          regionCode: definition.regionCode ?? "",
          actorId: actor.id,
          actorName: actor.name,
          reason,
          at,
        },
      });
      return version;
    });
    return stored;
  }

  private recompute() {
    const uploaded = (d: WorkflowDefinition) =>
      this.uploads.some((u) => u.definition.key === d.key && (u.definition.regionCode ?? "") === (d.regionCode ?? ""));
    this.current = [...this.files.filter((f) => !uploaded(f.definition)), ...this.uploads];
  }

  /** The definitions in force, and where each came from. */
  inForce(): {
    id: string;
    definition: WorkflowDefinition;
    upload: { actorName: string; reason: string; at: Date; version: number } | null;
  }[] {
    return this.current.map((c) => {
      const upload = this.uploads.find((u) => u.id === c.id);
      return { id: c.id, definition: c.definition, upload: upload ? { ...upload.upload, version: upload.version } : null };
    });
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
