import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../../../server/features/auth/password-policy.ts";

describe("the staff password policy", () => {
  it("refuses short, common, all-digit and repeated passwords, the demo's, and those holding the user name", () => {
    expect(passwordProblem("Ab3-x", "zhang")).toEqual({ code: "PASSWORD_TOO_SHORT", params: { min: 10 } });
    expect(passwordProblem("demo1234", "zhang")?.code).toBe("PASSWORD_TOO_SHORT");
    expect(passwordProblem("Password123", "zhang")?.code).toBe("PASSWORD_TOO_COMMON");
    expect(passwordProblem("13800001234", "zhang")?.code).toBe("PASSWORD_TOO_COMMON");
    expect(passwordProblem("aaaaaaaaaaaa", "zhang")?.code).toBe("PASSWORD_TOO_COMMON");
    expect(passwordProblem("zhang-secret-7", "Zhang")?.code).toBe("PASSWORD_HAS_USERNAME");
  });

  it("accepts a long password of one's own", () => {
    expect(passwordProblem("Peach-Garden-2027", "village-taoyuan")).toBeNull();
  });
});
