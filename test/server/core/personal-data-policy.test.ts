import { describe, expect, it } from "vitest";
import { staffRoleSchema } from "../../../server/core/vocabulary.ts";
import { fieldsRevealableBy, mayReveal, revealableFields, seesBankAccount, seesHealth } from "../../../server/core/personal-data-policy.ts";

describe("personal data policy", () => {
  it("lets the desks that work a case reveal what their work needs, and nobody else anything", () => {
    expect(fieldsRevealableBy("VILLAGE")).toEqual(["PHONE", "ID_NUMBER", "MEMBER_ID_NUMBER"]);
    for (const role of ["TOWNSHIP", "COUNTY"] as const) expect(fieldsRevealableBy(role)).toEqual([...revealableFields]);
    for (const role of ["GRID_WORKER", "DEPARTMENT", "ADMIN", "AUDITOR"] as const) expect(fieldsRevealableBy(role)).toEqual([]);
  });

  it("never lets a grid worker or a village reveal a bank account, nor a department anything", () => {
    expect(mayReveal("GRID_WORKER", "BANK_ACCOUNT")).toBe(false);
    expect(mayReveal("VILLAGE", "BANK_ACCOUNT")).toBe(false);
    expect(mayReveal("TOWNSHIP", "BANK_ACCOUNT")).toBe(true);
    for (const field of revealableFields) expect(mayReveal("DEPARTMENT", field)).toBe(false);
  });

  it("shows health details only to the village, township and county desks", () => {
    const seeing = staffRoleSchema.options.filter(seesHealth);
    expect(seeing).toEqual(["VILLAGE", "TOWNSHIP", "COUNTY"]);
  });

  it("shows even a masked bank account to neither grid workers nor departments", () => {
    expect(staffRoleSchema.options.filter((role) => !seesBankAccount(role))).toEqual(["GRID_WORKER", "DEPARTMENT"]);
  });
});
