import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  nextDayOfMonth,
  stageOf,
  workflowDefinitionSchema,
  type WorkflowDefinition,
} from "../../../../server/features/workflow/definition.ts";

const workflowsDir = path.resolve(import.meta.dirname, "../../../../server/features/workflow/definitions");
const shippedFiles = fs
  .readdirSync(workflowsDir)
  .filter((name) => name.endsWith(".json"))
  .sort();

/** A small valid definition touching every kind of stage reference; each test breaks one thing. */
function validDefinition(): Record<string, unknown> & { stages: Record<string, unknown>[] } {
  return {
    key: "test-flow",
    appliesTo: ["HARDSHIP_REPORT"],
    caseLimit: { workingDays: 15 },
    start: "VISIT",
    stages: [
      { key: "VISIT", kind: "HOME_VISIT", desk: "VILLAGE", deadline: { workingDays: 5 }, minInvestigators: 2, next: "APPRAISE" },
      {
        key: "APPRAISE",
        kind: "APPRAISAL",
        desk: "VILLAGE",
        deadline: { workingDays: 5 },
        voteRule: "NONE",
        next: "PUBLISH",
        onDecline: "NO",
      },
      { key: "PUBLISH", kind: "PUBLICITY", desk: "VILLAGE", days: 5, next: "REVIEW", onObjection: "VISIT" },
      {
        key: "REVIEW",
        kind: "REVIEW",
        desk: "COUNTY",
        deadline: { workingDays: 3 },
        next: "YES",
        returnTo: "VISIT",
        onReject: "NO",
        dataComparison: { recheck: "VISIT", recheckWorkingDays: 5 },
      },
      { key: "YES", kind: "END", status: "APPROVED" },
      { key: "NO", kind: "END", status: "REJECTED" },
    ],
  };
}

function stageByKey(definition: { stages: Record<string, unknown>[] }, key: string): Record<string, unknown> {
  const stage = definition.stages.find((s) => s.key === key);
  if (!stage) throw new Error(`fixture: no stage ${key}`);
  return stage;
}

function messages(input: unknown): string[] {
  const result = workflowDefinitionSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("workflowDefinitionSchema", () => {
  it("finds the shipped definitions", () => {
    expect(shippedFiles).toEqual(["call-back.json", "emergency-aid.json", "low-income-assistance.json", "monitoring-identification.json"]);
  });

  it.each(shippedFiles)("parses the shipped definition %s", (file) => {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(workflowsDir, file), "utf8"));
    const result = workflowDefinitionSchema.safeParse(raw);
    expect(result.success, result.success ? "" : JSON.stringify(result.error.issues)).toBe(true);
    expect(result.data?.key).toBe(file.replace(/\.json$/, ""));
  });

  it("accepts the hand-made fixture (so the rejections below are caused by the one change)", () => {
    expect(workflowDefinitionSchema.safeParse(validDefinition()).success).toBe(true);
  });

  it.each([
    ["next", "VISIT", (s: Record<string, unknown>) => (s.next = "NOWHERE")],
    ["onDecline", "APPRAISE", (s: Record<string, unknown>) => (s.onDecline = "NOWHERE")],
    ["onObjection", "PUBLISH", (s: Record<string, unknown>) => (s.onObjection = "NOWHERE")],
    ["returnTo", "REVIEW", (s: Record<string, unknown>) => (s.returnTo = "NOWHERE")],
    ["onReject", "REVIEW", (s: Record<string, unknown>) => (s.onReject = "NOWHERE")],
    [
      "dataComparison.recheck",
      "REVIEW",
      (s: Record<string, unknown>) => (s.dataComparison = { recheck: "NOWHERE", recheckWorkingDays: 5 }),
    ],
  ])("rejects %s naming an unknown stage", (field, stageKey, breakIt) => {
    const definition = validDefinition();
    breakIt(stageByKey(definition, stageKey));
    expect(messages(definition)).toContain(`${stageKey}.${field} names unknown stage NOWHERE`);
  });

  it("rejects a start naming an unknown stage", () => {
    expect(messages({ ...validDefinition(), start: "NOWHERE" })).toContain("start names unknown stage NOWHERE");
  });

  it("rejects duplicate stage keys", () => {
    const definition = validDefinition();
    definition.stages.push({ key: "VISIT", kind: "END", status: "CLOSED" });
    expect(messages(definition)).toContain("duplicate stage VISIT");
  });

  it("rejects a definition without an END stage", () => {
    const definition = validDefinition();
    // Point everything at non-END stages, then drop the END stages.
    stageByKey(definition, "APPRAISE").onDecline = "VISIT";
    const review = stageByKey(definition, "REVIEW");
    review.next = "VISIT";
    review.onReject = "VISIT";
    definition.stages = definition.stages.filter((s) => s.kind !== "END");
    expect(messages(definition)).toEqual(["no END stage"]);
  });

  it.each([
    ["the definition", (d: ReturnType<typeof validDefinition>) => (d.owner = "someone")],
    ["a stage", (d: ReturnType<typeof validDefinition>) => (stageByKey(d, "VISIT").label = "入户核查")],
    ["an END stage", (d: ReturnType<typeof validDefinition>) => (stageByKey(d, "YES").desk = "COUNTY")],
    [
      "a PUBLICITY stage (which has no deadline)",
      (d: ReturnType<typeof validDefinition>) => (stageByKey(d, "PUBLISH").deadline = { workingDays: 3 }),
    ],
    ["a deadline", (d: ReturnType<typeof validDefinition>) => (stageByKey(d, "VISIT").deadline = { workingDays: 5, hours: 2 })],
    [
      "a data comparison",
      (d: ReturnType<typeof validDefinition>) =>
        (stageByKey(d, "REVIEW").dataComparison = { recheck: "VISIT", recheckWorkingDays: 5, source: "民政" }),
    ],
    ["the case limit", (d: ReturnType<typeof validDefinition>) => (d.caseLimit = { workingDays: 15, calendarDays: 20 })],
  ])("rejects unknown properties on %s", (_where, breakIt) => {
    const definition = validDefinition();
    breakIt(definition);
    const result = workflowDefinitionSchema.safeParse(definition);
    expect(result.success).toBe(false);
  });

  it.each(["village_visit", "V", "1VISIT", "VISIT-ONE", "VISIT ONE", `V${"A".repeat(60)}`])("rejects the bad stage key %j", (badKey) => {
    const definition = validDefinition();
    stageByKey(definition, "YES").key = badKey;
    stageByKey(definition, "REVIEW").next = badKey;
    expect(workflowDefinitionSchema.safeParse(definition).success).toBe(false);
  });

  it("accepts stage keys at the edges of the format", () => {
    const definition = validDefinition();
    for (const key of ["V1", `V${"A".repeat(59)}`]) {
      stageByKey(definition, "REVIEW").next = key;
      definition.stages[4]!.key = key;
      expect(workflowDefinitionSchema.safeParse(definition).success, key).toBe(true);
    }
  });

  it("rejects a deadline of 0 working days", () => {
    const definition = validDefinition();
    stageByKey(definition, "REVIEW").deadline = { workingDays: 0 };
    const result = workflowDefinitionSchema.safeParse(definition);
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((issue) => issue.path.includes("deadline"))).toBe(true);
  });

  it("accepts a deadline of 1 working day", () => {
    const definition = validDefinition();
    stageByKey(definition, "REVIEW").deadline = { workingDays: 1 };
    expect(workflowDefinitionSchema.safeParse(definition).success).toBe(true);
  });
});

describe("stageOf", () => {
  const definition: WorkflowDefinition = workflowDefinitionSchema.parse(validDefinition());

  it("returns the stage with the key", () => {
    expect(stageOf(definition, "PUBLISH")).toMatchObject({ key: "PUBLISH", kind: "PUBLICITY", days: 5 });
    expect(stageOf(definition, "NO")).toEqual({ key: "NO", kind: "END", status: "REJECTED" });
  });

  it("throws for an unknown key", () => {
    expect(() => stageOf(definition, "NOWHERE")).toThrow("Workflow test-flow has no stage NOWHERE");
  });
});

describe("monthly deadlines (004 篇八)", () => {
  it("falls on the day this month, or next month once it has passed, in China time", () => {
    expect(nextDayOfMonth(new Date("2026-11-10T02:00:00Z"), 17).toISOString()).toBe("2026-11-17T15:59:59.999Z");
    expect(nextDayOfMonth(new Date("2026-11-17T15:00:00Z"), 17).toISOString()).toBe("2026-11-17T15:59:59.999Z");
    // 17 Nov 16:30 UTC is already 18 Nov in China.
    expect(nextDayOfMonth(new Date("2026-11-17T16:30:00Z"), 17).toISOString()).toBe("2026-12-17T15:59:59.999Z");
    expect(nextDayOfMonth(new Date("2026-12-25T02:00:00Z"), 20).toISOString()).toBe("2027-01-20T15:59:59.999Z");
    // "By the 30th" in February means its last day.
    expect(nextDayOfMonth(new Date("2026-02-03T02:00:00Z"), 30).toISOString()).toBe("2026-02-28T15:59:59.999Z");
  });

  it("is accepted by the schema as an alternative to working days", () => {
    const stage = {
      key: "TOWNSHIP_REVIEW",
      kind: "REVIEW",
      desk: "TOWNSHIP",
      deadline: { dayOfMonth: 20 },
      next: "DONE",
      onReject: "DONE",
    };
    const parsed = workflowDefinitionSchema.safeParse({
      key: "monthly",
      appliesTo: ["HARDSHIP_REPORT"],
      caseLimit: { workingDays: 30 },
      start: "TOWNSHIP_REVIEW",
      stages: [stage, { key: "DONE", kind: "END", status: "CLOSED" }],
    });
    expect(parsed.success).toBe(true);
    expect(
      workflowDefinitionSchema.safeParse({
        key: "monthly",
        appliesTo: ["HARDSHIP_REPORT"],
        caseLimit: { workingDays: 30 },
        start: "TOWNSHIP_REVIEW",
        stages: [
          { ...stage, deadline: { dayOfMonth: 32 } },
          { key: "DONE", kind: "END", status: "CLOSED" },
        ],
      }).success,
    ).toBe(false);
  });
});
