import type { Desk, StaffRole } from "./vocabulary.ts";

/**
 * Where staff work, in one place: a desk (village, township, county) works
 * its own desk's tasks in its region and everything below it; a grid worker
 * sits in a villagers' group and does the village's home visits there, so the
 * tasks it reaches are the village desk's at the regions its own lies in.
 */

/** The desk a staff role works at; department handlers, administrators and auditors have none. */
export function deskOfRole(role: string): Desk | undefined {
  return role === "VILLAGE" || role === "TOWNSHIP" || role === "COUNTY" ? role : undefined;
}

/** A region's path and those of the regions above it ("a/b/c/" → "a/", "a/b/", "a/b/c/"). */
export function enclosingPaths(path: string): string[] {
  const codes = path.split("/").filter(Boolean);
  return codes.map((_, i) => `${codes.slice(0, i + 1).join("/")}/`);
}

interface Staff {
  role: StaffRole;
  regionPath: string;
}

/** The task regions a staff member reaches, as a filter on a task's region path. */
export function taskRegionFilter(staff: Staff): { in: string[] } | { startsWith: string } {
  return staff.role === "GRID_WORKER" ? { in: enclosingPaths(staff.regionPath) } : { startsWith: staff.regionPath };
}

/** Whether a task at `taskRegionPath` lies within the staff member's reach (whoever's desk it is). */
export function reachesTaskAt(staff: Staff, taskRegionPath: string): boolean {
  return staff.role === "GRID_WORKER"
    ? enclosingPaths(staff.regionPath).includes(taskRegionPath)
    : taskRegionPath.startsWith(staff.regionPath);
}

/** The desk whose tasks the staff member works: their own, and for a grid worker the village's. */
export function workingDesk(role: StaffRole): Desk | undefined {
  return role === "GRID_WORKER" ? "VILLAGE" : deskOfRole(role);
}

/** Whether a staff member works a task: it is at their working desk and within their reach. */
export function worksTask(staff: Staff, task: { desk: Desk; regionPath: string }): boolean {
  return workingDesk(staff.role) === task.desk && reachesTaskAt(staff, task.regionPath);
}

/** A village's path is the third level: county/township/village/. */
const villageDepth = 3;

/**
 * The region whose households a staff member may look up and file for: their own region, and for a grid
 * worker their whole village — the national system records households by village, not by group, so a
 * household imported from it sits at the village, and the grid worker who visits it must find it.
 */
export function householdReachPath(staff: Staff): string {
  if (staff.role !== "GRID_WORKER") return staff.regionPath;
  const paths = enclosingPaths(staff.regionPath);
  return paths.length > villageDepth ? paths[villageDepth - 1]! : staff.regionPath;
}
