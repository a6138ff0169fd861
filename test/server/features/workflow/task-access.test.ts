import { describe, expect, it } from "vitest";
import type { Principal } from "../../../../server/core/principal.ts";
import { refusalToAct } from "../../../../server/features/workflow/task-access.ts";

const staff = (role: "GRID_WORKER" | "VILLAGE" | "TOWNSHIP" | "COUNTY" | "DEPARTMENT", regionPath: string): Principal => ({
  kind: "staff",
  id: "00000000-0000-4000-8000-000000000001",
  role,
  regionId: "00000000-0000-4000-8000-000000000002",
  regionPath,
  displayName: "测试",
  department: null,
});
const resident: Principal = { kind: "resident", id: "00000000-0000-4000-8000-000000000003", locale: "zh-CN", client: "BOT" };
const villageTask = { desk: "VILLAGE" as const, regionPath: "990101/990101001/990101001001/" };
const code = (principal: Principal, task: typeof villageTask | null, type: string) =>
  refusalToAct(principal, task, { type } as never)?.code ?? null;

describe("who may act on a task", () => {
  it("lets the task's own desk act in its region, and refuses another region as if the task did not exist", () => {
    expect(code(staff("VILLAGE", "990101/990101001/990101001001/"), villageTask, "RECORD_HOME_VISIT")).toBeNull();
    expect(code(staff("VILLAGE", "990101/990101002/990101002001/"), villageTask, "RECORD_HOME_VISIT")).toBe("TASK_NOT_FOUND");
    expect(code(staff("TOWNSHIP", "990101/990101002/"), villageTask, "APPROVE")).toBe("TASK_NOT_FOUND");
  });

  it("refuses another desk in reach, and roles without a desk", () => {
    expect(code(staff("TOWNSHIP", "990101/990101001/"), villageTask, "APPROVE")).toBe("NOT_YOUR_DESK");
    expect(code(staff("COUNTY", "990101/"), villageTask, "APPROVE")).toBe("NOT_YOUR_DESK");
    expect(code(staff("DEPARTMENT", "990101/"), villageTask, "APPROVE")).toBe("NOT_YOUR_DESK");
  });

  it("lets a grid worker record the home visit in their area, and nothing else", () => {
    const grid = staff("GRID_WORKER", "990101/990101001/990101001001/990101001001001/");
    expect(code(grid, villageTask, "RECORD_HOME_VISIT")).toBeNull();
    expect(code(grid, villageTask, "RETURN")).toBe("NOT_YOUR_DESK");
    expect(code(staff("GRID_WORKER", "990101/990101002/990101002001/990101002001001/"), villageTask, "RECORD_HOME_VISIT")).toBe(
      "TASK_NOT_FOUND",
    );
  });

  it("lets a resident only object, and answers a missing task alike for everyone", () => {
    expect(code(resident, villageTask, "RECORD_OBJECTION")).toBeNull();
    expect(code(resident, villageTask, "APPROVE")).toBe("TASK_NOT_FOUND");
    expect(code(staff("VILLAGE", "990101/990101001/990101001001/"), null, "APPROVE")).toBe("TASK_NOT_FOUND");
  });
});
