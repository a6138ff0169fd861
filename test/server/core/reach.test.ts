import { describe, expect, it } from "vitest";
import {
  deskOfRole,
  householdReachPath,
  enclosingPaths,
  reachesTaskAt,
  taskRegionFilter,
  workingDesk,
  worksTask,
} from "../../../server/core/reach.ts";

const county = "990101/";
const township = "990101/990101001/";
const village = "990101/990101001/990101001001/";
const group = "990101/990101001/990101001001/990101001001001/";
const otherVillage = "990101/990101002/990101002001/";

describe("where staff work", () => {
  it("names each desk's role, and none for the roles without a desk", () => {
    expect(["VILLAGE", "TOWNSHIP", "COUNTY"].map(deskOfRole)).toEqual(["VILLAGE", "TOWNSHIP", "COUNTY"]);
    expect(["GRID_WORKER", "DEPARTMENT", "ADMIN", "AUDITOR"].map(deskOfRole)).toEqual([undefined, undefined, undefined, undefined]);
    expect(workingDesk("GRID_WORKER")).toBe("VILLAGE");
  });

  it("lists the regions a region lies in, itself last", () => {
    expect(enclosingPaths(group)).toEqual([county, township, village, group]);
  });

  it("gives a desk its region and all below it, and a grid worker the regions its own lies in", () => {
    const township_ = { role: "TOWNSHIP" as const, regionPath: township };
    expect(reachesTaskAt(township_, village)).toBe(true);
    expect(reachesTaskAt(township_, otherVillage)).toBe(false);
    expect(taskRegionFilter(township_)).toEqual({ startsWith: township });
    const grid = { role: "GRID_WORKER" as const, regionPath: group };
    expect(reachesTaskAt(grid, village)).toBe(true);
    expect(reachesTaskAt(grid, otherVillage)).toBe(false);
    expect(taskRegionFilter(grid)).toEqual({ in: [county, township, village, group] });
  });

  it("lets a staff member work only their desk's tasks in reach: the grid worker the village's", () => {
    expect(worksTask({ role: "VILLAGE", regionPath: village }, { desk: "VILLAGE", regionPath: village })).toBe(true);
    expect(worksTask({ role: "VILLAGE", regionPath: village }, { desk: "TOWNSHIP", regionPath: township })).toBe(false);
    expect(worksTask({ role: "GRID_WORKER", regionPath: group }, { desk: "VILLAGE", regionPath: village })).toBe(true);
    expect(worksTask({ role: "GRID_WORKER", regionPath: group }, { desk: "TOWNSHIP", regionPath: township })).toBe(false);
    expect(worksTask({ role: "COUNTY", regionPath: county }, { desk: "TOWNSHIP", regionPath: township })).toBe(false);
    expect(worksTask({ role: "DEPARTMENT", regionPath: county }, { desk: "COUNTY", regionPath: county })).toBe(false);
  });

  it("lets a grid worker find the households of their whole village, and every other role those of their region", () => {
    expect(householdReachPath({ role: "GRID_WORKER", regionPath: "990101/990101001/990101001001/990101001001001/" })).toBe(
      "990101/990101001/990101001001/",
    );
    expect(householdReachPath({ role: "GRID_WORKER", regionPath: "990101/990101001/990101001001/" })).toBe(
      "990101/990101001/990101001001/",
    );
    expect(householdReachPath({ role: "VILLAGE", regionPath: "990101/990101001/990101001001/" })).toBe("990101/990101001/990101001001/");
    expect(householdReachPath({ role: "TOWNSHIP", regionPath: "990101/990101001/" })).toBe("990101/990101001/");
  });
});
