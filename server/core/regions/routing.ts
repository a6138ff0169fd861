/**
 * Decides which queue owns a new case. A case always lands somewhere: a
 * village when the place is clear, otherwise the triage queue of the smallest
 * township or county that surely contains it ("not one household missed").
 */

export type RegionLevel = "COUNTY" | "TOWNSHIP" | "VILLAGE" | "GROUP";

export interface RegionNode {
  id: string;
  code: string;
  name: string;
  aliases: string[];
  level: RegionLevel;
  parentId: string | null;
  path: string;
  /** False for a place merged into another (mergedIntoId); its old name is an alias there. */
  active?: boolean;
  mergedIntoId?: string | null;
}

export type RoutingBasis = "household" | "region-code" | "address" | "reporter-region" | "none";

export interface RoutingDecision {
  outcome: "VILLAGE" | "TOWNSHIP_TRIAGE" | "COUNTY_TRIAGE";
  region: RegionNode;
  basis: RoutingBasis;
  /** Villages the address could mean, when it was ambiguous. */
  candidates: RegionNode[];
}

export interface RoutingInput {
  /** Region of the household the case is about, when it is on record. */
  householdRegionId?: string;
  /** A region picked in a picker. */
  regionCode?: string;
  /** Free-text address or place mentioned in the report. */
  address?: string;
  /** Region of the staff member filing it (a grid worker's group, say). */
  reporterRegionId?: string;
}

export class RegionTree {
  private readonly byId = new Map<string, RegionNode>();
  private readonly byCode = new Map<string, RegionNode>();

  constructor(readonly nodes: readonly RegionNode[]) {
    for (const node of nodes) {
      this.byId.set(node.id, node);
      this.byCode.set(node.code, node);
    }
  }

  get(id: string): RegionNode | undefined {
    return this.byId.get(id);
  }

  getByCode(code: string): RegionNode | undefined {
    return this.byCode.get(code);
  }

  /** The node itself or its nearest ancestor at `level`. */
  ancestorAt(node: RegionNode, level: RegionLevel): RegionNode | undefined {
    let current: RegionNode | undefined = node;
    while (current && current.level !== level) current = current.parentId ? this.byId.get(current.parentId) : undefined;
    return current;
  }

  contains(ancestor: RegionNode, node: RegionNode): boolean {
    return node.path.startsWith(ancestor.path);
  }

  /** The place itself, or the one it was merged into (followed to the end). */
  current(node: RegionNode): RegionNode {
    let at = node;
    for (let hops = 0; at.active === false && at.mergedIntoId && hops < 10; hops++) at = this.byId.get(at.mergedIntoId) ?? at;
    return at;
  }

  /** Ids of the region at `path` and every region below it: a scope the database can match with an index on region id. */
  idsUnder(path: string): string[] {
    return this.nodes.filter((n) => n.path.startsWith(path)).map((n) => n.id);
  }

  /** Ids of the region at `path`, its ancestors and every region below it: everyone whose work touches it. */
  idsAlong(path: string): string[] {
    return this.nodes.filter((n) => n.path.startsWith(path) || path.startsWith(n.path)).map((n) => n.id);
  }

  counties(): RegionNode[] {
    return this.nodes.filter((n) => n.level === "COUNTY").sort((a, b) => a.code.localeCompare(b.code));
  }
}

export function routeCase(tree: RegionTree, input: RoutingInput): RoutingDecision {
  const household = input.householdRegionId ? tree.get(input.householdRegionId) : undefined;
  if (household) {
    const decision = fromNode(tree, household, "household");
    if (decision) return decision;
  }

  const picked = input.regionCode ? tree.getByCode(input.regionCode) : undefined;
  const reporter = input.reporterRegionId ? tree.get(input.reporterRegionId) : undefined;
  // A picked township or a grid worker's township narrows the address search.
  const within = picked ?? reporter;

  if (picked && (picked.level === "VILLAGE" || picked.level === "GROUP")) return fromNode(tree, picked, "region-code")!;

  if (input.address) {
    const decision = fromAddress(tree, input.address, within);
    if (decision) return decision;
  }
  if (picked) return fromNode(tree, picked, "region-code")!;
  if (reporter) return fromNode(tree, reporter, "reporter-region")!;

  const county = tree.counties()[0];
  if (!county) throw new Error("The region tree has no county");
  return { outcome: "COUNTY_TRIAGE", region: county, basis: "none", candidates: [] };
}

function fromNode(tree: RegionTree, given: RegionNode, basis: RoutingBasis): RoutingDecision | undefined {
  const node = tree.current(given);
  const village = tree.ancestorAt(node, "VILLAGE");
  if (village) return { outcome: "VILLAGE", region: village, basis, candidates: [] };
  if (node.level === "TOWNSHIP") return { outcome: "TOWNSHIP_TRIAGE", region: node, basis, candidates: [] };
  if (node.level === "COUNTY") return { outcome: "COUNTY_TRIAGE", region: node, basis, candidates: [] };
  return undefined;
}

interface Mention {
  node: RegionNode;
  start: number;
  end: number;
}

/** Every place name or alias found in the text, minus those inside a longer mention of another place. */
function findMentions(tree: RegionTree, text: string, levels: RegionLevel[]): Mention[] {
  const found: Mention[] = [];
  for (const node of tree.nodes) {
    if (!levels.includes(node.level) || node.active === false) continue;
    for (const name of new Set([node.name, ...node.aliases])) {
      if (name.length < 2) continue;
      for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) found.push({ node, start: at, end: at + name.length });
    }
  }
  return found.filter(
    (m) => !found.some((o) => o.node.id !== m.node.id && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start),
  );
}

function unique(nodes: RegionNode[]): RegionNode[] {
  return [...new Map(nodes.map((n) => [n.id, n])).values()];
}

function fromAddress(tree: RegionTree, address: string, within: RegionNode | undefined): RoutingDecision | undefined {
  const text = address.replace(/\s+/g, "");
  const mentions = findMentions(tree, text, ["COUNTY", "TOWNSHIP", "VILLAGE"]);
  const townships = unique(mentions.filter((m) => m.node.level === "TOWNSHIP").map((m) => m.node));
  let villages = unique(mentions.filter((m) => m.node.level === "VILLAGE").map((m) => m.node));

  const scope = within ? (tree.ancestorAt(within, "TOWNSHIP") ?? tree.ancestorAt(within, "COUNTY")) : undefined;
  if (scope) {
    const inScope = villages.filter((v) => tree.contains(scope, v));
    if (inScope.length > 0) villages = inScope;
  }
  if (villages.length > 1 && townships.length > 0) {
    const inNamed = villages.filter((v) => townships.some((t) => tree.contains(t, v)));
    if (inNamed.length > 0) villages = inNamed;
  }
  if (villages.length === 1) return { outcome: "VILLAGE", region: villages[0]!, basis: "address", candidates: [] };

  if (villages.length > 1) {
    const commonTownships = unique(villages.map((v) => tree.ancestorAt(v, "TOWNSHIP")).filter((t): t is RegionNode => !!t));
    if (commonTownships.length === 1)
      return { outcome: "TOWNSHIP_TRIAGE", region: commonTownships[0]!, basis: "address", candidates: villages };
    const county = tree.ancestorAt(villages[0]!, "COUNTY");
    if (county && villages.every((v) => tree.contains(county, v)))
      return { outcome: "COUNTY_TRIAGE", region: county, basis: "address", candidates: villages };
  }
  if (townships.length === 1) return { outcome: "TOWNSHIP_TRIAGE", region: townships[0]!, basis: "address", candidates: villages };
  return undefined;
}
