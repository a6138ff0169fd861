import { describe, expect, it } from "vitest";
import { RegionTree, routeCase, type RegionLevel, type RegionNode } from "../../../../server/core/regions/routing.ts";

/**
 * A hand-built county:
 *
 * 平安县 990101
 * ├─ 东山镇 990101001 (alias 东山)
 * │  ├─ 红新村 990101001001 (alias 红新) ─ 一组 990101001001001
 * │  ├─ 新村   990101001002
 * │  └─ 李家村 990101001003
 * ├─ 西河乡 990101002 (alias 西河)
 * │  ├─ 李家村 990101002001            ← same name as in 东山镇
 * │  └─ 石桥村 990101002002 (aliases 石桥, 桥) ─ 三组 990101002002003
 * └─ 南岭镇 990101003
 *    ├─ 王庄村 990101003001
 *    └─ 王庄村 990101003002            ← same name, same township
 */
const nodes: RegionNode[] = [];
const byCode = new Map<string, RegionNode>();

function add(code: string, name: string, level: RegionLevel, parentCode: string | null, aliases: string[] = []): RegionNode {
  const parent = parentCode ? byCode.get(parentCode) : undefined;
  if (parentCode && !parent) throw new Error(`fixture: no parent ${parentCode}`);
  const node: RegionNode = {
    id: `id-${code}`,
    code,
    name,
    aliases,
    level,
    parentId: parent?.id ?? null,
    path: `${parent?.path ?? ""}${code}/`,
  };
  nodes.push(node);
  byCode.set(code, node);
  return node;
}

const county = add("990101", "平安县", "COUNTY", null);
const dongshan = add("990101001", "东山镇", "TOWNSHIP", "990101", ["东山"]);
const hongxin = add("990101001001", "红新村", "VILLAGE", "990101001", ["红新"]);
const hongxinGroup1 = add("990101001001001", "一组", "GROUP", "990101001001");
const xincun = add("990101001002", "新村", "VILLAGE", "990101001");
const lijiaDongshan = add("990101001003", "李家村", "VILLAGE", "990101001");
const xihe = add("990101002", "西河乡", "TOWNSHIP", "990101", ["西河"]);
const lijiaXihe = add("990101002001", "李家村", "VILLAGE", "990101002");
const shiqiao = add("990101002002", "石桥村", "VILLAGE", "990101002", ["石桥", "桥"]);
const shiqiaoGroup3 = add("990101002002003", "三组", "GROUP", "990101002002");
const nanling = add("990101003", "南岭镇", "TOWNSHIP", "990101");
const wangzhuang1 = add("990101003001", "王庄村", "VILLAGE", "990101003");
const wangzhuang2 = add("990101003002", "王庄村", "VILLAGE", "990101003");

const tree = new RegionTree(nodes);

function ids(list: RegionNode[]): string[] {
  return list.map((n) => n.id).sort();
}

describe("the fixture tree", () => {
  it("has paths built from the chain of codes", () => {
    expect(hongxinGroup1.path).toBe("990101/990101001/990101001001/990101001001001/");
    expect(tree.contains(dongshan, hongxinGroup1)).toBe(true);
    expect(tree.contains(xihe, hongxinGroup1)).toBe(false);
    expect(tree.ancestorAt(shiqiaoGroup3, "TOWNSHIP")?.id).toBe(xihe.id);
  });

  it("lists a region and everything below it as ids, for scoping by index", () => {
    expect(tree.idsUnder(xihe.path).sort()).toEqual(ids([xihe, lijiaXihe, shiqiao, shiqiaoGroup3]));
    expect(tree.idsUnder(wangzhuang1.path)).toEqual([wangzhuang1.id]);
    expect(tree.idsUnder(county.path)).toHaveLength(nodes.length);
    expect(tree.idsUnder("990199/")).toEqual([]);
  });

  it("lists a region with its ancestors and everything below it, and nothing beside it", () => {
    expect(tree.idsAlong(shiqiao.path).sort()).toEqual(ids([county, xihe, shiqiao, shiqiaoGroup3]));
    expect(tree.idsAlong(dongshan.path).sort()).toEqual(ids([county, dongshan, hongxin, hongxinGroup1, xincun, lijiaDongshan]));
    expect(tree.idsAlong(county.path)).toHaveLength(nodes.length);
  });
});

describe("routeCase", () => {
  it("routes by the household's region before the picked code or the address", () => {
    const decision = routeCase(tree, { householdRegionId: shiqiaoGroup3.id, regionCode: hongxin.code, address: "东山镇红新村" });
    expect(decision).toEqual({ outcome: "VILLAGE", region: shiqiao, basis: "household", candidates: [] });
  });

  it("ignores a household region id that is not in the tree", () => {
    const decision = routeCase(tree, { householdRegionId: "no-such-id", address: "石桥村" });
    expect(decision.region.id).toBe(shiqiao.id);
    expect(decision.basis).toBe("address");
  });

  it("routes a picked group code to its village", () => {
    const decision = routeCase(tree, { regionCode: hongxinGroup1.code });
    expect(decision).toEqual({ outcome: "VILLAGE", region: hongxin, basis: "region-code", candidates: [] });
  });

  it("routes a picked village code to that village, even if the address names another", () => {
    const decision = routeCase(tree, { regionCode: xincun.code, address: "石桥村" });
    expect(decision).toEqual({ outcome: "VILLAGE", region: xincun, basis: "region-code", candidates: [] });
  });

  it("sends a picked township without an address to that township's triage", () => {
    const decision = routeCase(tree, { regionCode: xihe.code });
    expect(decision).toEqual({ outcome: "TOWNSHIP_TRIAGE", region: xihe, basis: "region-code", candidates: [] });
  });

  it("sends a picked township with an address that names no place to that township's triage", () => {
    const decision = routeCase(tree, { regionCode: xihe.code, address: "村口小卖部旁边" });
    expect(decision.outcome).toBe("TOWNSHIP_TRIAGE");
    expect(decision.region.id).toBe(xihe.id);
    expect(decision.basis).toBe("region-code");
  });

  it("uses the address to find a village inside a picked township", () => {
    const decision = routeCase(tree, { regionCode: xihe.code, address: "石桥村三组" });
    expect(decision).toEqual({ outcome: "VILLAGE", region: shiqiao, basis: "address", candidates: [] });
  });

  it("lets a picked township settle a village name that is ambiguous county-wide", () => {
    expect(routeCase(tree, { regionCode: xihe.code, address: "李家村" }).region.id).toBe(lijiaXihe.id);
    expect(routeCase(tree, { regionCode: dongshan.code, address: "李家村" }).region.id).toBe(lijiaDongshan.id);
  });

  it("routes a free-text address with a unique village name", () => {
    const decision = routeCase(tree, { address: "我住在红新村,靠近小学" });
    expect(decision).toEqual({ outcome: "VILLAGE", region: hongxin, basis: "address", candidates: [] });
  });

  it("routes a free-text address that uses a village alias", () => {
    const decision = routeCase(tree, { address: "石桥 老王家" });
    expect(decision).toEqual({ outcome: "VILLAGE", region: shiqiao, basis: "address", candidates: [] });
  });

  it("ignores whitespace inside place names in the address", () => {
    expect(routeCase(tree, { address: "红 新 村" }).region.id).toBe(hongxin.id);
  });

  it("sends a village name found in two townships to the county's triage with both candidates", () => {
    const decision = routeCase(tree, { address: "李家村" });
    expect(decision.outcome).toBe("COUNTY_TRIAGE");
    expect(decision.region.id).toBe(county.id);
    expect(decision.basis).toBe("address");
    expect(ids(decision.candidates)).toEqual(ids([lijiaDongshan, lijiaXihe]));
  });

  it("picks the right one of two same-named villages when the township is named too", () => {
    expect(routeCase(tree, { address: "西河乡李家村" })).toEqual({
      outcome: "VILLAGE",
      region: lijiaXihe,
      basis: "address",
      candidates: [],
    });
    expect(routeCase(tree, { address: "东山李家村" }).region.id).toBe(lijiaDongshan.id);
  });

  it("sends two same-named villages inside one township to that township's triage", () => {
    const decision = routeCase(tree, { address: "王庄村东头" });
    expect(decision.outcome).toBe("TOWNSHIP_TRIAGE");
    expect(decision.region.id).toBe(nanling.id);
    expect(decision.basis).toBe("address");
    expect(ids(decision.candidates)).toEqual(ids([wangzhuang1, wangzhuang2]));
  });

  it("sends an address naming only a township to that township's triage", () => {
    const decision = routeCase(tree, { address: "南岭镇街上" });
    expect(decision).toEqual({ outcome: "TOWNSHIP_TRIAGE", region: nanling, basis: "address", candidates: [] });
  });

  it("sends a case with nothing to go on to the county's triage", () => {
    expect(routeCase(tree, {})).toEqual({ outcome: "COUNTY_TRIAGE", region: county, basis: "none", candidates: [] });
    expect(routeCase(tree, { address: "不知道叫什么地方" })).toEqual({
      outcome: "COUNTY_TRIAGE",
      region: county,
      basis: "none",
      candidates: [],
    });
  });

  it("ignores an unknown picked code", () => {
    expect(routeCase(tree, { regionCode: "999999999" }).basis).toBe("none");
  });

  it("falls back to a grid worker's region when nothing else is given", () => {
    const decision = routeCase(tree, { reporterRegionId: shiqiaoGroup3.id });
    expect(decision).toEqual({ outcome: "VILLAGE", region: shiqiao, basis: "reporter-region", candidates: [] });
  });

  it("prefers an address over the grid worker's own region", () => {
    const decision = routeCase(tree, { reporterRegionId: shiqiaoGroup3.id, address: "红新村" });
    expect(decision.region.id).toBe(hongxin.id);
    expect(decision.basis).toBe("address");
  });

  it("uses the grid worker's township to settle an ambiguous village name", () => {
    const decision = routeCase(tree, { reporterRegionId: hongxinGroup1.id, address: "李家村" });
    expect(decision.outcome).toBe("VILLAGE");
    expect(decision.region.id).toBe(lijiaDongshan.id);
  });

  it("matches a longer place name only, not a shorter name inside it", () => {
    const long = routeCase(tree, { address: "红新村" });
    expect(long.outcome).toBe("VILLAGE");
    expect(long.region.id).toBe(hongxin.id);
    expect(long.candidates).toEqual([]);

    const short = routeCase(tree, { address: "新村" });
    expect(short.outcome).toBe("VILLAGE");
    expect(short.region.id).toBe(xincun.id);
  });

  it("sees both villages when the short name also stands on its own", () => {
    const decision = routeCase(tree, { address: "红新村和新村交界" });
    expect(decision.outcome).toBe("TOWNSHIP_TRIAGE");
    expect(decision.region.id).toBe(dongshan.id);
    expect(ids(decision.candidates)).toEqual(ids([hongxin, xincun]));
  });

  it("ignores aliases shorter than two characters", () => {
    // 石桥村 has the alias "桥"; it must not match every bridge in the county.
    expect(routeCase(tree, { address: "桥头那户人家" })).toEqual({
      outcome: "COUNTY_TRIAGE",
      region: county,
      basis: "none",
      candidates: [],
    });
  });

  it("throws when the tree has no county at all", () => {
    expect(() => routeCase(new RegionTree([]), {})).toThrow(/no county/);
  });
});
