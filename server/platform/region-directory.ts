import type { PrismaClient } from "./database/database.ts";
import { RegionTree } from "../core/regions/routing.ts";
import { NotFoundError } from "../core/errors.ts";

/**
 * The administrative tree, cached: it changes a few times a year and every
 * intake routes through it. Reloaded after `ttlMs` so another instance's
 * change is seen without a restart.
 */
export class RegionDirectory {
  private cached?: { tree: RegionTree; loadedAt: number };
  /** One reload at a time: when the cache expires under load, concurrent requests share the same query. */
  private loading?: Promise<RegionTree>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs = 60_000,
  ) {}

  async tree(): Promise<RegionTree> {
    if (this.cached && Date.now() - this.cached.loadedAt <= this.ttlMs) return this.cached.tree;
    if (this.loading) return this.loading;
    const loading = this.prisma.region.findMany({ orderBy: { code: "asc" } }).then((nodes) => {
      const tree = new RegionTree(nodes);
      // An invalidate() during the load means the rows may predate a change: answer, but do not cache them.
      if (this.loading === loading) this.cached = { tree, loadedAt: Date.now() };
      return tree;
    });
    this.loading = loading;
    loading
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      })
      .catch(() => undefined);
    return loading;
  }

  /** The picker's view: children of one node, or the whole tree. */
  async list(parentCode?: string) {
    const tree = await this.tree();
    const parent = parentCode ? tree.getByCode(parentCode) : undefined;
    if (parentCode && !parent) throw new NotFoundError("UNKNOWN_REGION");
    // Merged places are history: the picker offers only those in use.
    const nodes = (parent ? tree.nodes.filter((n) => n.parentId === parent.id) : tree.nodes).filter((n) => n.active !== false);
    return {
      items: nodes.map((n) => ({
        code: n.code,
        name: n.name,
        level: n.level,
        parentCode: n.parentId ? (tree.get(n.parentId)?.code ?? null) : null,
      })),
    };
  }

  /** A region's name from the last loaded tree (for pushes, which must not wait on the database). */
  nameOf(code: string): string {
    return this.cached?.tree.getByCode(code)?.name ?? "";
  }

  /** A region's path from the last loaded tree ("" when unknown), for the same reason. */
  pathOf(code: string): string {
    return this.cached?.tree.getByCode(code)?.path ?? "";
  }

  invalidate(): void {
    this.cached = undefined;
    this.loading = undefined;
  }
}
