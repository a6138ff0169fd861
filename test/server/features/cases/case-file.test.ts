import { describe, expect, it } from "vitest";
import { actorLabel, recordedFields } from "../../../../server/features/cases/case-file.ts";

describe("the case file: what each desk recorded, worded for the desks above", () => {
  it("shows a visit's date, investigators, figures, guarantees, notes and photos", () => {
    const fields = recordedFields(
      "HOME_VISIT_RECORDED",
      {
        visitedAt: "2026-11-25T01:00:00Z",
        investigators: ["赵书记", "刘芳"],
        findings: { annualIncome: 8000, rigidExpenses: 26000, medical: "AT_RISK", housing: "SECURE", notes: "身份证 110101199003071234" },
        photoIds: ["a", "b"],
        photoPlaces: [{ photoId: "a" }],
      },
      null,
      "zh-CN",
    );
    expect(fields.map((f) => `${f.label}:${f.value}`)).toEqual([
      "入户时间:2026年11月25日周三 09:00",
      "核查人员:赵书记、刘芳",
      "家庭年收入:8,000 元",
      "刚性支出:26,000 元",
      "基本医疗:有风险",
      "住房安全:有保障",
      "情况说明:身份证 1101**********1234",
      "照片:2 张(1 张记有拍摄时间和地点)",
    ]);
  });

  it("shows a meeting's attendance and vote, an objection's words, an opinion, a dispatch, a masked helper phone", () => {
    const text = (action: string, payload: object, reason: string | null = null) =>
      recordedFields(action, payload, reason, "en").map((f) => `${f.label}: ${f.value}`);
    expect(text("APPRAISAL_PROPOSED", { membersTotal: 7, present: 6, votesFor: 5, votesAgainst: 1, note: "agreed" })).toEqual([
      "Attendance: 6 of 7 members present",
      "Vote: 5 for, 1 against",
      "Opinion: agreed",
    ]);
    expect(text("PUBLICITY_OBJECTION", { objection: "they own a shop" })).toEqual(["Objection: they own a shop"]);
    expect(text("APPROVED", { note: null })).toEqual([]);
    expect(text("DISPATCHED", { needs: [{ riskType: "ILLNESS", department: "HEALTH_INSURANCE", measure: "medical aid" }] })).toEqual([
      "Dispatched: Illness → Healthcare Security Bureau: medical aid",
    ]);
    expect(text("HELPER_ASSIGNED", { helperName: "Liu", helperPhone: "13812345678" })).toEqual([
      "Helper: Liu",
      "Helper's phone: 138****5678",
    ]);
    expect(text("SUPPLEMENT_ADDED", {}, "fell again")).toEqual(["Added: fell again"]);
    // Anything else stored with an event stays out of the file.
    expect(text("OVERDUE_ESCALATED", { taskId: "x", regionCode: "990101" })).toEqual([]);
  });

  it("tells the applicant from another resident, and names the staff member", () => {
    const names = new Map([["s1", "石门村 村委 赵书记"]]);
    expect(actorLabel({ actorType: "RESIDENT", actorId: "r1", actorRole: "RESIDENT" }, "r1", names, "zh-CN")).toBe("申请人");
    expect(actorLabel({ actorType: "RESIDENT", actorId: "r2", actorRole: "RESIDENT" }, "r1", names, "zh-CN")).toBe("群众(不是申请人)");
    expect(actorLabel({ actorType: "STAFF", actorId: "s1", actorRole: "VILLAGE" }, "r1", names, "zh-CN")).toBe(
      "石门村 村委 赵书记(村干部)",
    );
    expect(actorLabel({ actorType: "SYSTEM", actorId: null, actorRole: null }, null, names, "en")).toBe("System");
  });
});
