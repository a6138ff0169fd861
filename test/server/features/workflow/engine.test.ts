import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TaskAction } from "../../../../server/features/workflow/workflow-schemas.ts";
import { workflowDefinitionSchema, type WorkflowDefinition } from "../../../../server/features/workflow/definition.ts";
import {
  availableActions,
  decide,
  isSampled,
  publicityEnd,
  type CaseState,
  type Refusal,
  type Transition,
} from "../../../../server/features/workflow/engine.ts";

const workflowsDir = path.resolve(import.meta.dirname, "../../../../server/features/workflow/definitions");

function shipped(key: string): WorkflowDefinition {
  return workflowDefinitionSchema.parse(JSON.parse(fs.readFileSync(path.join(workflowsDir, `${key}.json`), "utf8")));
}

const monitoring = shipped("monitoring-identification");
const lowIncome = shipped("low-income-assistance");
const emergency = shipped("emergency-aid");

/**
 * Hand-made: three investigators, two reviews in a row that both compare data
 * (the first without a return), and a one-day publicity reached by approval.
 */
const handMade = workflowDefinitionSchema.parse({
  key: "hand-made",
  appliesTo: ["HARDSHIP_REPORT"],
  caseLimit: { workingDays: 20 },
  start: "VISIT",
  stages: [
    { key: "VISIT", kind: "HOME_VISIT", desk: "VILLAGE", deadline: { workingDays: 5 }, minInvestigators: 3, next: "FIRST_CHECK" },
    {
      key: "FIRST_CHECK",
      kind: "REVIEW",
      desk: "TOWNSHIP",
      deadline: { workingDays: 4 },
      next: "SECOND_CHECK",
      onReject: "CLOSED",
      dataComparison: { recheck: "VISIT", recheckWorkingDays: 2 },
    },
    {
      key: "SECOND_CHECK",
      kind: "REVIEW",
      desk: "COUNTY",
      deadline: { workingDays: 4 },
      next: "NOTICE",
      returnTo: "FIRST_CHECK",
      onReject: "CLOSED",
      dataComparison: { recheck: "FIRST_CHECK", recheckWorkingDays: 3 },
    },
    { key: "NOTICE", kind: "PUBLICITY", desk: "COUNTY", days: 1, next: "DONE", onObjection: "SECOND_CHECK" },
    { key: "DONE", kind: "END", status: "APPROVED" },
    { key: "CLOSED", kind: "END", status: "CLOSED" },
  ],
});

/** 01:00 on 26 Nov in China, still 25 Nov in UTC. */
const now = new Date("2026-11-25T17:00:00Z");

function at(stage: string, extra: Partial<CaseState> = {}): CaseState {
  return { stage, publicityEndsAt: null, dataComparison: null, ...extra };
}

function ok(result: Transition | Refusal): Transition {
  if (!result.ok) throw new Error(`expected a transition, got refusal ${result.code} ${JSON.stringify(result.params ?? {})}`);
  return result;
}

function refused(result: Transition | Refusal): Refusal {
  if (result.ok) throw new Error(`expected a refusal, got ${result.event} → ${result.toStage}`);
  return result;
}

/** The case's state after a transition, as the service stores it. */
function after(t: Transition): CaseState {
  return { stage: t.toStage, publicityEndsAt: t.publicityEndsAt, dataComparison: t.dataComparison };
}

// ── actions ────────────────────────────────────────────────────────────────

const findings = {
  annualIncome: 8000,
  rigidExpenses: 26000,
  foodAndClothing: "SECURE",
  education: "SECURE",
  medical: "AT_RISK",
  housing: "SECURE",
  drinkingWater: "SECURE",
  notes: "长期透析",
} as const;

function homeVisit(investigators: string[], visitedAt = "2026-11-25T10:00:00+08:00"): TaskAction {
  return {
    type: "RECORD_HOME_VISIT",
    visitedAt,
    investigators,
    findings: { ...findings },
    photoIds: ["7f0c2a52-6a3e-4b6f-9a38-0d6f3c1f2b11"],
  };
}

interface Votes {
  membersTotal?: number;
  present?: number;
  votesFor?: number;
  votesAgainst?: number;
}

function appraisal(proposal: "PROPOSE" | "DECLINE", votes: Votes = {}, reason = "家庭因病支出骤增，收入难以覆盖"): TaskAction {
  return { type: "RECORD_APPRAISAL", meetingAt: "2026-11-25T20:00:00+08:00", proposal, reason, ...votes };
}

const objection: TaskAction = { type: "RECORD_OBJECTION", objection: "该户有营运车辆未申报" };
const closePublicity: TaskAction = { type: "CLOSE_PUBLICITY" };
const clear: TaskAction = { type: "RECORD_DATA_COMPARISON", result: "CLEAR", notes: "民政、人社、不动产比对无异常" };
const doubtful: TaskAction = { type: "RECORD_DATA_COMPARISON", result: "DOUBTFUL", notes: "名下有商品房一套" };
const approve: TaskAction = { type: "APPROVE", note: "同意纳入" };
const returnAction: TaskAction = { type: "RETURN", reason: "入户调查缺少医疗费用票据" };
const reject: TaskAction = { type: "REJECT", reason: "家庭人均收入高于标准" };
const assignRegion: TaskAction = { type: "ASSIGN_REGION", regionCode: "990101001001" };

/** A publicity list put up by an appraisal at `now` on monitoring (5 days) comes down at 23:59:59.999 on 1 Dec, China time. */
const monitoringPublicityEnd = new Date("2026-12-01T23:59:59.999+08:00");

// ── tests ──────────────────────────────────────────────────────────────────

describe("decide: each action's transition and event", () => {
  it.each<[string, CaseState, TaskAction, string, string, Transition["finalStatus"]]>([
    ["home visit", at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"]), "HOME_VISIT_RECORDED", "VILLAGE_APPRAISAL", null],
    ["appraisal proposed", at("VILLAGE_APPRAISAL"), appraisal("PROPOSE"), "APPRAISAL_PROPOSED", "VILLAGE_PUBLICITY", null],
    ["appraisal declined", at("VILLAGE_APPRAISAL"), appraisal("DECLINE"), "APPRAISAL_DECLINED", "NOT_IDENTIFIED", "REJECTED"],
    [
      "objection",
      at("VILLAGE_PUBLICITY", { publicityEndsAt: monitoringPublicityEnd }),
      objection,
      "PUBLICITY_OBJECTION",
      "VILLAGE_VERIFICATION",
      null,
    ],
    [
      "publicity closed",
      at("VILLAGE_PUBLICITY", { publicityEndsAt: new Date(now.getTime() - 1) }),
      closePublicity,
      "PUBLICITY_CLOSED",
      "TOWNSHIP_REVIEW",
      null,
    ],
    ["township approves", at("TOWNSHIP_REVIEW"), approve, "APPROVED", "COUNTY_APPROVAL", null],
    ["township returns", at("TOWNSHIP_REVIEW"), returnAction, "RETURNED", "VILLAGE_VERIFICATION", null],
    ["township rejects", at("TOWNSHIP_REVIEW"), reject, "REJECTED", "NOT_IDENTIFIED", "REJECTED"],
    ["data comparison clear", at("COUNTY_APPROVAL"), clear, "DATA_COMPARISON_CLEAR", "COUNTY_APPROVAL", null],
    ["data comparison doubtful", at("COUNTY_APPROVAL"), doubtful, "DATA_COMPARISON_DOUBTFUL", "VILLAGE_VERIFICATION", null],
    ["county approves", at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), approve, "APPROVED", "DISPATCH", null],
    ["county returns", at("COUNTY_APPROVAL"), returnAction, "RETURNED", "TOWNSHIP_REVIEW", null],
    ["county rejects", at("COUNTY_APPROVAL"), reject, "REJECTED", "NOT_IDENTIFIED", "REJECTED"],
  ])("monitoring: %s", (_name, state, action, event, toStage, finalStatus) => {
    const t = ok(decide(monitoring, state, action, now));
    expect(t).toMatchObject({ ok: true, event, toStage, finalStatus });
  });

  it.each<[string, CaseState, TaskAction, string, string, Transition["finalStatus"]]>([
    ["relief approved", at("TOWNSHIP_EMERGENCY_RELIEF"), approve, "APPROVED", "VILLAGE_VERIFICATION", null],
    ["relief rejected", at("TOWNSHIP_EMERGENCY_RELIEF"), reject, "REJECTED", "NOT_GRANTED", "REJECTED"],
    ["verification", at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"]), "HOME_VISIT_RECORDED", "TOWNSHIP_COMPLETION", null],
    ["completion approved", at("TOWNSHIP_COMPLETION"), approve, "APPROVED", "RELIEVED", "CLOSED"],
    ["completion returned", at("TOWNSHIP_COMPLETION"), returnAction, "RETURNED", "VILLAGE_VERIFICATION", null],
    ["completion rejected", at("TOWNSHIP_COMPLETION"), reject, "REJECTED", "CLOSED_INELIGIBLE", "CLOSED"],
  ])("emergency aid: %s", (_name, state, action, event, toStage, finalStatus) => {
    expect(ok(decide(emergency, state, action, now))).toMatchObject({ event, toStage, finalStatus });
  });

  it("walks low-income assistance from the survey to GRANTED, carrying the state from each transition", () => {
    let state = at(lowIncome.start);
    let clock = now;
    const step = (action: TaskAction, expected: string) => {
      const t = ok(decide(lowIncome, state, action, clock));
      expect(t.toStage).toBe(expected);
      state = after(t);
      return t;
    };
    step(homeVisit(["张三", "李四"]), "DEMOCRATIC_APPRAISAL");
    const proposed = step(appraisal("PROPOSE", { membersTotal: 9, present: 7, votesFor: 6, votesAgainst: 1 }), "VILLAGE_PUBLICITY");
    expect(proposed.publicityEndsAt).toEqual(new Date("2026-12-03T23:59:59.999+08:00"));
    expect(refused(decide(lowIncome, state, closePublicity, clock)).code).toBe("PUBLICITY_NOT_OVER");
    clock = new Date("2026-12-04T08:30:00+08:00");
    step(closePublicity, "TOWNSHIP_REVIEW");
    step(approve, "COUNTY_APPROVAL");
    expect(refused(decide(lowIncome, state, approve, clock)).code).toBe("DATA_COMPARISON_REQUIRED");
    step(clear, "COUNTY_APPROVAL");
    expect(state.dataComparison).toBe("CLEAR");
    const granted = step(approve, "GRANTED");
    expect(granted.finalStatus).toBe("APPROVED");
    expect(refused(decide(lowIncome, state, approve, clock)).code).toBe("CASE_ALREADY_DECIDED");
  });

  it("leaves deadlineWorkingDays unset except on a re-check", () => {
    expect(ok(decide(monitoring, at("TOWNSHIP_REVIEW"), returnAction, now)).deadlineWorkingDays).toBeUndefined();
    expect(ok(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"]), now)).deadlineWorkingDays).toBeUndefined();
    expect(ok(decide(monitoring, at("COUNTY_APPROVAL"), clear, now)).deadlineWorkingDays).toBeUndefined();
  });
});

describe("decide: HOME_VISIT", () => {
  it("records the visit with the distinct investigators, findings and photos", () => {
    const t = ok(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四", " 张三 "]), now));
    expect(t.payload).toEqual({
      visitedAt: "2026-11-25T10:00:00+08:00",
      investigators: ["张三", "李四"],
      findings,
      photoIds: ["7f0c2a52-6a3e-4b6f-9a38-0d6f3c1f2b11"],
    });
    expect(t.reason).toBeNull();
  });

  it.each([
    ["one name", ["张三"]],
    ["the same name twice", ["张三", "张三"]],
    ["names differing in surrounding spaces", ["张三", "  张三 "]],
    ["names differing in a full-width space", ["张三", "张三\u3000"]],
    ["names differing in a tab and newline", ["\t张三", "张三\n"]],
    ["names differing only in inner whitespace", ["张三", "张 三"]],
  ])("needs minInvestigators distinct names: %s is too few", (_name, investigators) => {
    const r = refused(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(investigators), now));
    expect(r).toEqual({ ok: false, code: "TOO_FEW_INVESTIGATORS", params: { min: 2 } });
  });

  it("counts to the stage's own minInvestigators (3 in the hand-made definition)", () => {
    const r = refused(decide(handMade, at("VISIT"), homeVisit(["张三", "李四", " 李四"]), now));
    expect(r).toEqual({ ok: false, code: "TOO_FEW_INVESTIGATORS", params: { min: 3 } });
    // Two distinct people are enough for the shipped definitions but not for this one.
    expect(ok(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"]), now)).toStage).toBe("VILLAGE_APPRAISAL");
    expect(refused(decide(handMade, at("VISIT"), homeVisit(["张三", "李四"]), now)).code).toBe("TOO_FEW_INVESTIGATORS");
    expect(ok(decide(handMade, at("VISIT"), homeVisit(["张三", "李四", "王五"]), now)).toStage).toBe("FIRST_CHECK");
  });

  it("refuses a visit or meeting dated on a day before the case was reported (the same day is fine)", () => {
    const reported = { ...at("VILLAGE_VERIFICATION"), reportedAt: new Date("2026-11-24T20:00:00+08:00") };
    expect(refused(decide(monitoring, reported, homeVisit(["张三", "李四"], "2026-11-23T18:00:00+08:00"), now))).toEqual({
      ok: false,
      code: "DATE_BEFORE_REPORT",
      params: { date: "2026-11-24" },
    });
    expect(ok(decide(monitoring, reported, homeVisit(["张三", "李四"], "2026-11-24T09:00:00+08:00"), now)).event).toBe(
      "HOME_VISIT_RECORDED",
    );
    const meeting: TaskAction = {
      type: "RECORD_APPRAISAL",
      meetingAt: "2026-11-20T09:00:00+08:00",
      proposal: "PROPOSE",
      reason: "支出骤增",
    };
    expect(refused(decide(monitoring, { ...reported, stage: "VILLAGE_APPRAISAL" }, meeting, now)).code).toBe("DATE_BEFORE_REPORT");
  });

  it("refuses a visit dated in the future, offsets included", () => {
    // now is 01:00:00 on 26 Nov in China; one second later is the future.
    expect(
      refused(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"], "2026-11-26T01:00:01+08:00"), now)).code,
    ).toBe("DATE_IN_FUTURE");
    expect(refused(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"], "2026-11-27T09:00:00Z"), now)).code).toBe(
      "DATE_IN_FUTURE",
    );
    expect(ok(decide(monitoring, at("VILLAGE_VERIFICATION"), homeVisit(["张三", "李四"], "2026-11-26T01:00:00+08:00"), now)).event).toBe(
      "HOME_VISIT_RECORDED",
    );
  });
});

describe("decide: APPRAISAL", () => {
  describe("voteRule NONE (monitoring)", () => {
    it("proposes without any votes, keeping the reason as a note", () => {
      const t = ok(decide(monitoring, at("VILLAGE_APPRAISAL"), appraisal("PROPOSE"), now));
      expect(t).toMatchObject({ event: "APPRAISAL_PROPOSED", toStage: "VILLAGE_PUBLICITY", reason: null });
      expect(t.payload).toMatchObject({ meetingAt: "2026-11-25T20:00:00+08:00", note: "家庭因病支出骤增，收入难以覆盖" });
    });

    it("declines without any votes, keeping the reason for the applicant", () => {
      const t = ok(decide(monitoring, at("VILLAGE_APPRAISAL"), appraisal("DECLINE", {}, "家庭收入稳定，无返贫风险"), now));
      expect(t).toMatchObject({
        event: "APPRAISAL_DECLINED",
        toStage: "NOT_IDENTIFIED",
        reason: "家庭收入稳定，无返贫风险",
        finalStatus: "REJECTED",
      });
    });

    it("refuses a meeting dated in the future", () => {
      const action: TaskAction = {
        type: "RECORD_APPRAISAL",
        meetingAt: "2026-11-26T09:00:00+08:00",
        proposal: "PROPOSE",
        reason: "家庭因病支出骤增",
      };
      expect(refused(decide(monitoring, at("VILLAGE_APPRAISAL"), action, now)).code).toBe("DATE_IN_FUTURE");
    });
  });

  describe("voteRule DEMOCRATIC_VOTE (low-income assistance)", () => {
    const vote = (proposal: "PROPOSE" | "DECLINE", votes: Votes) =>
      decide(lowIncome, at("DEMOCRATIC_APPRAISAL"), appraisal(proposal, votes), now);
    const full = { membersTotal: 10, present: 8, votesFor: 6, votesAgainst: 2 };

    it.each<[string, Votes]>([
      ["no votes at all", {}],
      ["no membersTotal", { present: 8, votesFor: 6, votesAgainst: 2 }],
      ["no present", { membersTotal: 10, votesFor: 6, votesAgainst: 2 }],
      ["no votesFor", { membersTotal: 10, present: 8, votesAgainst: 2 }],
      ["no votesAgainst", { membersTotal: 10, present: 8, votesFor: 6 }],
    ])("VOTE_REQUIRED with %s", (_name, votes) => {
      expect(refused(vote("PROPOSE", votes)).code).toBe("VOTE_REQUIRED");
      expect(refused(vote("DECLINE", votes)).code).toBe("VOTE_REQUIRED");
    });

    it("VOTE_INCONSISTENT when more are present than there are members", () => {
      expect(refused(vote("PROPOSE", { membersTotal: 10, present: 11, votesFor: 9, votesAgainst: 0 })).code).toBe("VOTE_INCONSISTENT");
    });

    it("VOTE_INCONSISTENT when more votes are cast than members present", () => {
      expect(refused(vote("PROPOSE", { membersTotal: 10, present: 6, votesFor: 4, votesAgainst: 3 })).code).toBe("VOTE_INCONSISTENT");
      // All present voting is consistent.
      expect(ok(vote("PROPOSE", { membersTotal: 10, present: 6, votesFor: 4, votesAgainst: 2 })).event).toBe("APPRAISAL_PROPOSED");
    });

    it("QUORUM_NOT_MET at exactly half of the members present", () => {
      expect(refused(vote("PROPOSE", { membersTotal: 10, present: 5, votesFor: 5, votesAgainst: 0 }))).toEqual({
        ok: false,
        code: "QUORUM_NOT_MET",
        params: { present: 5, membersTotal: 10 },
      });
      expect(refused(vote("DECLINE", { membersTotal: 10, present: 5, votesFor: 0, votesAgainst: 5 })).code).toBe("QUORUM_NOT_MET");
      // One more present is a quorum.
      expect(ok(vote("PROPOSE", { membersTotal: 10, present: 6, votesFor: 4, votesAgainst: 2 })).toStage).toBe("VILLAGE_PUBLICITY");
    });

    it("MAJORITY_NOT_REACHED at exactly half of those present in favour", () => {
      expect(refused(vote("PROPOSE", { membersTotal: 10, present: 8, votesFor: 4, votesAgainst: 4 }))).toEqual({
        ok: false,
        code: "MAJORITY_NOT_REACHED",
        params: { votesFor: 4, present: 8 },
      });
    });

    it("counts the majority against those present, not the votes cast (abstentions count against)", () => {
      expect(refused(vote("PROPOSE", { membersTotal: 10, present: 8, votesFor: 4, votesAgainst: 0 })).code).toBe("MAJORITY_NOT_REACHED");
    });

    it("VOTE_CONTRADICTS_PROPOSAL when a DECLINE is recorded for a vote that carried", () => {
      expect(refused(vote("DECLINE", { membersTotal: 10, present: 8, votesFor: 5, votesAgainst: 3 }))).toEqual({
        ok: false,
        code: "VOTE_CONTRADICTS_PROPOSAL",
      });
    });

    it("PROPOSE passes with more than half in favour, storing the vote", () => {
      const t = ok(vote("PROPOSE", full));
      expect(t).toMatchObject({ event: "APPRAISAL_PROPOSED", toStage: "VILLAGE_PUBLICITY", reason: null });
      expect(t.payload).toEqual({ meetingAt: "2026-11-25T20:00:00+08:00", ...full, note: "家庭因病支出骤增，收入难以覆盖" });
      // The smallest majority of an odd attendance.
      expect(ok(vote("PROPOSE", { membersTotal: 7, present: 4, votesFor: 3, votesAgainst: 1 })).event).toBe("APPRAISAL_PROPOSED");
    });

    it("DECLINE of a vote that did not carry goes to onDecline with the reason kept", () => {
      const t = ok(
        decide(
          lowIncome,
          at("DEMOCRATIC_APPRAISAL"),
          appraisal("DECLINE", { membersTotal: 10, present: 8, votesFor: 4, votesAgainst: 4 }, "家庭有稳定务工收入"),
          now,
        ),
      );
      expect(t).toMatchObject({
        event: "APPRAISAL_DECLINED",
        toStage: "NOT_GRANTED",
        reason: "家庭有稳定务工收入",
        finalStatus: "REJECTED",
      });
      expect(t.payload).toEqual({ meetingAt: "2026-11-25T20:00:00+08:00", membersTotal: 10, present: 8, votesFor: 4, votesAgainst: 4 });
    });
  });
});

describe("decide: PUBLICITY", () => {
  const during = at("VILLAGE_PUBLICITY", { publicityEndsAt: monitoringPublicityEnd });
  const lastMoment = monitoringPublicityEnd;
  const justAfter = new Date(monitoringPublicityEnd.getTime() + 1);

  it("entering a PUBLICITY stage sets publicityEndsAt = publicityEnd(now, days)", () => {
    const t = ok(decide(monitoring, at("VILLAGE_APPRAISAL"), appraisal("PROPOSE"), now));
    expect(t.publicityEndsAt).toEqual(publicityEnd(now, 5));
    expect(t.publicityEndsAt).toEqual(monitoringPublicityEnd);
    // low-income publishes for 7 days
    const lt = ok(
      decide(
        lowIncome,
        at("DEMOCRATIC_APPRAISAL"),
        appraisal("PROPOSE", { membersTotal: 10, present: 8, votesFor: 6, votesAgainst: 2 }),
        now,
      ),
    );
    expect(lt.publicityEndsAt).toEqual(publicityEnd(now, 7));
    // ... and the hand-made one reaches its 1-day publicity by approval.
    const ht = ok(decide(handMade, at("SECOND_CHECK", { dataComparison: "CLEAR" }), approve, now));
    expect(ht).toMatchObject({ event: "APPROVED", toStage: "NOTICE", dataComparison: null });
    expect(ht.publicityEndsAt).toEqual(new Date("2026-11-27T23:59:59.999+08:00"));
  });

  it("entering any other stage clears publicityEndsAt", () => {
    const state = at("VILLAGE_PUBLICITY", { publicityEndsAt: new Date(now.getTime() - 1) });
    expect(ok(decide(monitoring, state, closePublicity, now)).publicityEndsAt).toBeNull();
    expect(ok(decide(monitoring, during, objection, now)).publicityEndsAt).toBeNull();
  });

  it("accepts an objection up to the last moment and sends the case to onObjection", () => {
    for (const when of [now, lastMoment]) {
      const t = ok(decide(monitoring, during, objection, when));
      expect(t).toMatchObject({ event: "PUBLICITY_OBJECTION", toStage: "VILLAGE_VERIFICATION", finalStatus: null });
      expect(t.payload).toEqual({ objection: "该户有营运车辆未申报" });
      // The objector's words are not shown to the applicant.
      expect(t.reason).toBeNull();
    }
    expect(ok(decide(handMade, at("NOTICE", { publicityEndsAt: publicityEnd(now, 1) }), objection, now)).toStage).toBe("SECOND_CHECK");
  });

  it("refuses an objection after the end (PUBLICITY_OVER)", () => {
    expect(refused(decide(monitoring, during, objection, justAfter))).toEqual({ ok: false, code: "PUBLICITY_OVER" });
  });

  it("refuses CLOSE before the end (PUBLICITY_NOT_OVER), naming the end", () => {
    for (const when of [now, lastMoment]) {
      expect(refused(decide(monitoring, during, closePublicity, when))).toEqual({
        ok: false,
        code: "PUBLICITY_NOT_OVER",
        params: { until: "2026-12-01T15:59:59.999Z" },
      });
    }
  });

  it("allows CLOSE after the end, moving to next", () => {
    const t = ok(decide(monitoring, during, closePublicity, justAfter));
    expect(t).toMatchObject({
      event: "PUBLICITY_CLOSED",
      toStage: "TOWNSHIP_REVIEW",
      reason: null,
      publicityEndsAt: null,
      finalStatus: null,
    });
    const ht = ok(
      decide(handMade, at("NOTICE", { publicityEndsAt: publicityEnd(now, 1) }), closePublicity, new Date("2026-11-28T00:00:00+08:00")),
    );
    expect(ht).toMatchObject({ toStage: "DONE", finalStatus: "APPROVED" });
  });
});

describe("publicityEnd", () => {
  it("ends at 23:59:59.999 China time, `days` calendar days after now's China date", () => {
    // 2026-11-25T17:00Z is 01:00 on 26 Nov in China: 7 days later is 3 Dec.
    expect(publicityEnd(now, 7).toISOString()).toBe("2026-12-03T15:59:59.999Z");
    expect(publicityEnd(now, 7)).toEqual(new Date("2026-12-03T23:59:59.999+08:00"));
  });

  it("uses the China date, not the UTC date, on either side of China midnight", () => {
    // 23:59:59.999 on 25 Nov in China (same UTC date as `now`) → 2 Dec.
    expect(publicityEnd(new Date("2026-11-25T15:59:59.999Z"), 7).toISOString()).toBe("2026-12-02T15:59:59.999Z");
    // 00:00 on 26 Nov in China → 3 Dec.
    expect(publicityEnd(new Date("2026-11-25T16:00:00Z"), 7).toISOString()).toBe("2026-12-03T15:59:59.999Z");
    // Late on 26 Nov in China is still 26 Nov → 3 Dec.
    expect(publicityEnd(new Date("2026-11-26T15:59:00Z"), 7).toISOString()).toBe("2026-12-03T15:59:59.999Z");
  });

  it("counts calendar days across month and year ends", () => {
    expect(publicityEnd(new Date("2026-12-31T20:00:00Z"), 1)).toEqual(new Date("2027-01-02T23:59:59.999+08:00"));
    expect(publicityEnd(new Date("2028-02-27T12:00:00+08:00"), 2)).toEqual(new Date("2028-02-29T23:59:59.999+08:00"));
    expect(publicityEnd(new Date("2026-11-26T09:00:00+08:00"), 30)).toEqual(new Date("2026-12-26T23:59:59.999+08:00"));
  });
});

describe("decide: REVIEW", () => {
  it("refuses APPROVE without a CLEAR data comparison where the stage configures one", () => {
    expect(refused(decide(monitoring, at("COUNTY_APPROVAL"), approve, now))).toEqual({ ok: false, code: "DATA_COMPARISON_REQUIRED" });
    expect(refused(decide(monitoring, at("COUNTY_APPROVAL", { dataComparison: "DOUBTFUL" }), approve, now)).code).toBe(
      "DATA_COMPARISON_REQUIRED",
    );
    expect(refused(decide(handMade, at("FIRST_CHECK"), approve, now)).code).toBe("DATA_COMPARISON_REQUIRED");
  });

  it("approves without a comparison where the stage configures none, keeping the note", () => {
    expect(ok(decide(monitoring, at("TOWNSHIP_REVIEW"), approve, now)).payload).toEqual({ note: "同意纳入" });
    expect(ok(decide(monitoring, at("TOWNSHIP_REVIEW"), { type: "APPROVE" }, now)).payload).toEqual({ note: null });
  });

  it("CLEAR stays on the same stage with dataComparison CLEAR", () => {
    const t = ok(decide(monitoring, at("COUNTY_APPROVAL"), clear, now));
    expect(t).toEqual({
      ok: true,
      event: "DATA_COMPARISON_CLEAR",
      toStage: "COUNTY_APPROVAL",
      reason: null,
      payload: { notes: "民政、人社、不动产比对无异常" },
      publicityEndsAt: null,
      dataComparison: "CLEAR",
      finalStatus: null,
    });
  });

  it("DOUBTFUL goes to dataComparison.recheck with deadlineWorkingDays = recheckWorkingDays", () => {
    const t = ok(decide(handMade, at("FIRST_CHECK"), doubtful, now));
    expect(t).toMatchObject({
      event: "DATA_COMPARISON_DOUBTFUL",
      toStage: "VISIT",
      deadlineWorkingDays: 2,
      dataComparison: null,
      reason: null,
      finalStatus: null,
    });
    expect(t.payload).toEqual({ notes: "名下有商品房一套" });
    expect(ok(decide(handMade, at("SECOND_CHECK"), doubtful, now))).toMatchObject({ toStage: "FIRST_CHECK", deadlineWorkingDays: 3 });
    expect(ok(decide(lowIncome, at("COUNTY_APPROVAL"), doubtful, now))).toMatchObject({
      toStage: "ECONOMIC_SURVEY",
      deadlineWorkingDays: 5,
    });
  });

  it("refuses a data comparison where the stage configures none", () => {
    expect(refused(decide(monitoring, at("TOWNSHIP_REVIEW"), clear, now))).toEqual({
      ok: false,
      code: "ACTION_NOT_ALLOWED_HERE",
      params: { action: "RECORD_DATA_COMPARISON" },
    });
  });

  it("refuses a second data comparison once it is CLEAR", () => {
    expect(refused(decide(monitoring, at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), doubtful, now)).code).toBe(
      "ACTION_NOT_ALLOWED_HERE",
    );
    expect(refused(decide(monitoring, at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), clear, now)).code).toBe(
      "ACTION_NOT_ALLOWED_HERE",
    );
  });

  it("refuses RETURN when the stage has no returnTo", () => {
    expect(refused(decide(emergency, at("TOWNSHIP_EMERGENCY_RELIEF"), returnAction, now))).toEqual({
      ok: false,
      code: "ACTION_NOT_ALLOWED_HERE",
      params: { action: "RETURN" },
    });
    expect(refused(decide(handMade, at("FIRST_CHECK", { dataComparison: "CLEAR" }), returnAction, now)).code).toBe(
      "ACTION_NOT_ALLOWED_HERE",
    );
  });

  it("RETURN goes to returnTo and keeps the reason", () => {
    const t = ok(decide(lowIncome, at("TOWNSHIP_REVIEW"), returnAction, now));
    expect(t).toMatchObject({ event: "RETURNED", toStage: "ECONOMIC_SURVEY", reason: "入户调查缺少医疗费用票据", finalStatus: null });
    expect(ok(decide(lowIncome, at("COUNTY_APPROVAL"), returnAction, now))).toMatchObject({
      toStage: "TOWNSHIP_REVIEW",
      reason: "入户调查缺少医疗费用票据",
    });
  });

  it("REJECT goes to onReject and keeps the reason", () => {
    const t = ok(decide(lowIncome, at("COUNTY_APPROVAL"), reject, now));
    expect(t).toMatchObject({ event: "REJECTED", toStage: "NOT_GRANTED", reason: "家庭人均收入高于标准", finalStatus: "REJECTED" });
    expect(ok(decide(handMade, at("FIRST_CHECK"), reject, now))).toMatchObject({
      toStage: "CLOSED",
      reason: "家庭人均收入高于标准",
      finalStatus: "CLOSED",
    });
  });

  it("entering a new stage resets dataComparison to null", () => {
    const cleared = at("SECOND_CHECK", { dataComparison: "CLEAR" });
    // Returned to a stage that also compares data: its comparison starts over.
    const back = ok(decide(handMade, cleared, returnAction, now));
    expect(back).toMatchObject({ toStage: "FIRST_CHECK", dataComparison: null });
    expect(availableActions(handMade, after(back), now)).not.toContain("APPROVE");
    // Approved onward to a second comparing review: that one needs its own comparison.
    const onward = ok(decide(handMade, at("FIRST_CHECK", { dataComparison: "CLEAR" }), approve, now));
    expect(onward).toMatchObject({ toStage: "SECOND_CHECK", dataComparison: null });
    expect(refused(decide(handMade, after(onward), approve, now)).code).toBe("DATA_COMPARISON_REQUIRED");
    // Rejected or approved to an END stage.
    expect(ok(decide(monitoring, at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), reject, now)).dataComparison).toBeNull();
    expect(ok(decide(monitoring, at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), approve, now)).dataComparison).toBeNull();
  });
});

describe("decide: refusals by stage", () => {
  const allActions: TaskAction[] = [
    homeVisit(["张三", "李四"]),
    appraisal("PROPOSE"),
    objection,
    closePublicity,
    clear,
    approve,
    returnAction,
    reject,
    assignRegion,
  ];
  const endStages = [monitoring, lowIncome, emergency, handMade].flatMap((definition) =>
    definition.stages.filter((s) => s.kind === "END").map((s) => [definition.key, s.key, definition] as const),
  );

  it.each(endStages)("%s: any action at END stage %s is CASE_ALREADY_DECIDED", (_key, stage, definition) => {
    for (const action of allActions) {
      expect(refused(decide(definition, at(stage), action, now)), action.type).toEqual({ ok: false, code: "CASE_ALREADY_DECIDED" });
    }
  });

  it.each<[string, TaskAction[]]>([
    ["VILLAGE_VERIFICATION", [appraisal("PROPOSE"), objection, closePublicity, clear, approve, returnAction, reject, assignRegion]],
    ["VILLAGE_APPRAISAL", [homeVisit(["张三", "李四"]), objection, closePublicity, clear, approve, returnAction, reject, assignRegion]],
    ["VILLAGE_PUBLICITY", [homeVisit(["张三", "李四"]), appraisal("PROPOSE"), clear, approve, returnAction, reject, assignRegion]],
    ["COUNTY_APPROVAL", [homeVisit(["张三", "李四"]), appraisal("PROPOSE"), objection, closePublicity, assignRegion]],
  ])("an action of another kind at %s is ACTION_NOT_ALLOWED_HERE", (stage, actions) => {
    const state = at(stage, { publicityEndsAt: monitoringPublicityEnd, dataComparison: "CLEAR" });
    for (const action of actions) {
      expect(refused(decide(monitoring, state, action, now)), action.type).toEqual({
        ok: false,
        code: "ACTION_NOT_ALLOWED_HERE",
        params: { action: action.type },
      });
    }
  });
});

describe("availableActions", () => {
  it("HOME_VISIT: record the visit", () => {
    expect(availableActions(monitoring, at("VILLAGE_VERIFICATION"), now)).toEqual(["RECORD_HOME_VISIT"]);
  });

  it("APPRAISAL: record the appraisal, whatever the vote rule", () => {
    expect(availableActions(monitoring, at("VILLAGE_APPRAISAL"), now)).toEqual(["RECORD_APPRAISAL"]);
    expect(availableActions(lowIncome, at("DEMOCRATIC_APPRAISAL"), now)).toEqual(["RECORD_APPRAISAL"]);
  });

  it("PUBLICITY: objection until the end, close after it", () => {
    const state = at("VILLAGE_PUBLICITY", { publicityEndsAt: monitoringPublicityEnd });
    expect(availableActions(monitoring, state, now)).toEqual(["RECORD_OBJECTION"]);
    expect(availableActions(monitoring, state, monitoringPublicityEnd)).toEqual(["RECORD_OBJECTION"]);
    expect(availableActions(monitoring, state, new Date(monitoringPublicityEnd.getTime() + 1))).toEqual(["CLOSE_PUBLICITY"]);
  });

  it("REVIEW with a data comparison: compare first, approve only after CLEAR", () => {
    expect(availableActions(monitoring, at("COUNTY_APPROVAL"), now)).toEqual(["RECORD_DATA_COMPARISON", "RETURN", "REJECT"]);
    expect(availableActions(monitoring, at("COUNTY_APPROVAL", { dataComparison: "CLEAR" }), now)).toEqual(["APPROVE", "RETURN", "REJECT"]);
    expect(availableActions(handMade, at("FIRST_CHECK"), now)).toEqual(["RECORD_DATA_COMPARISON", "REJECT"]);
    expect(availableActions(handMade, at("FIRST_CHECK", { dataComparison: "CLEAR" }), now)).toEqual(["APPROVE", "REJECT"]);
  });

  it("REVIEW without a data comparison: approve, return (where it can), reject", () => {
    expect(availableActions(monitoring, at("TOWNSHIP_REVIEW"), now)).toEqual(["APPROVE", "RETURN", "REJECT"]);
    expect(availableActions(emergency, at("TOWNSHIP_EMERGENCY_RELIEF"), now)).toEqual(["APPROVE", "REJECT"]);
  });

  it("END: nothing, but re-identification where the stage reopens", () => {
    for (const definition of [monitoring, lowIncome, emergency, handMade]) {
      for (const stage of definition.stages.filter((s) => s.kind === "END")) {
        expect(availableActions(definition, at(stage.key), now), `${definition.key} ${stage.key}`).toEqual(
          stage.reopenTo ? ["REIDENTIFY"] : [],
        );
      }
    }
  });

  it("throws for a stage the definition does not have", () => {
    expect(() => availableActions(monitoring, at("NOWHERE"), now)).toThrow(/no stage NOWHERE/);
  });

  /** A valid action of each type, so that only the stage and state decide. */
  const sample: Record<TaskAction["type"], TaskAction> = {
    RECORD_HOME_VISIT: homeVisit(["张三", "李四", "王五"]),
    RECORD_APPRAISAL: appraisal("PROPOSE", { membersTotal: 10, present: 8, votesFor: 6, votesAgainst: 2 }),
    RECORD_OBJECTION: objection,
    CLOSE_PUBLICITY: closePublicity,
    RECORD_DATA_COMPARISON: clear,
    APPROVE: approve,
    RETURN: returnAction,
    REJECT: reject,
    ASSIGN_REGION: assignRegion,
    DISPATCH: { type: "DISPATCH", needs: [{ riskType: "ILLNESS", department: "HEALTH_INSURANCE", measure: "大病保险二次报销" }] },
    ASSIGN_HELPER: { type: "ASSIGN_HELPER", helperName: "帮扶人" },
    RECORD_FOLLOW_UP: { type: "RECORD_FOLLOW_UP", visitedAt: "2026-01-01T00:00:00Z", notes: "走访正常" },
    PROPOSE_ELIMINATION: { type: "PROPOSE_ELIMINATION", reason: "收入稳定" },
    REIDENTIFY: { type: "REIDENTIFY", reason: "再次因病" },
  };
  const cases = [monitoring, lowIncome, emergency, handMade].flatMap((definition) =>
    definition.stages.flatMap((stage) => {
      const states: [string, CaseState][] =
        stage.kind === "PUBLICITY"
          ? [
              ["during publicity", at(stage.key, { publicityEndsAt: monitoringPublicityEnd })],
              ["after publicity", at(stage.key, { publicityEndsAt: new Date(now.getTime() - 1) })],
            ]
          : stage.kind === "REVIEW"
            ? [
                ["not compared", at(stage.key)],
                ["compared CLEAR", at(stage.key, { dataComparison: "CLEAR" })],
              ]
            : [["", at(stage.key)]];
      return states.map(([label, state]) => [`${definition.key} ${stage.key} ${label}`, definition, state] as const);
    }),
  );

  it.each(cases)("%s: lists exactly the actions decide accepts", (_name, definition, state) => {
    const listed = availableActions(definition, state, now);
    const accepted = (Object.keys(sample) as TaskAction["type"][]).filter((type) => decide(definition, state, sample[type], now).ok);
    expect(listed).toEqual(accepted);
  });
});

describe("survey sampling at a review (001: at least 20% of households)", () => {
  it("draws about the configured share of cases, the same way every time", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const drawn = ids.filter((id) => isSampled(id, "TOWNSHIP_REVIEW", 20)).length;
    expect(drawn / ids.length).toBeGreaterThan(0.15);
    expect(drawn / ids.length).toBeLessThan(0.25);
    expect(ids.map((id) => isSampled(id, "TOWNSHIP_REVIEW", 20))).toEqual(ids.map((id) => isSampled(id, "TOWNSHIP_REVIEW", 20)));
    expect(ids.every((id) => isSampled(id, "X", 100))).toBe(true);
  });

  it("makes a drawn case wait for the township's survey before approval", () => {
    const state = {
      stage: "TOWNSHIP_REVIEW",
      publicityEndsAt: null,
      dataComparison: null,
      sampled: true,
      sampleSurveyDone: false,
    } as const;
    expect(availableActions(lowIncome, state, now)).toEqual(["RECORD_HOME_VISIT", "RETURN", "REJECT"]);
    expect(decide(lowIncome, state, approve, now)).toMatchObject({ ok: false, code: "SAMPLE_SURVEY_REQUIRED" });
    expect(decide(lowIncome, state, homeVisit(["一人"]), now)).toMatchObject({ ok: false, code: "TOO_FEW_INVESTIGATORS" });
    expect(decide(lowIncome, state, homeVisit(["陈干事", "周干事"]), now)).toMatchObject({
      ok: true,
      event: "SAMPLE_SURVEY_RECORDED",
      toStage: "TOWNSHIP_REVIEW",
    });
    const surveyed = { ...state, sampleSurveyDone: true };
    expect(availableActions(lowIncome, surveyed, now)).toEqual(["APPROVE", "RETURN", "REJECT"]);
    expect(decide(lowIncome, surveyed, approve, now)).toMatchObject({ ok: true, toStage: "COUNTY_APPROVAL" });
    expect(decide(lowIncome, surveyed, homeVisit(["陈干事", "周干事"]), now)).toMatchObject({ ok: false, code: "ACTION_NOT_ALLOWED_HERE" });
    const notDrawn = { ...state, sampled: false };
    expect(decide(lowIncome, notDrawn, approve, now)).toMatchObject({ ok: true, toStage: "COUNTY_APPROVAL" });
  });
});
