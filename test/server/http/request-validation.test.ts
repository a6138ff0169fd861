import { describe, expect, it } from "vitest";
import { unstorableTextIssues } from "../../../server/http/request-validation.ts";

describe("text no database can store", () => {
  it("finds NUL and half surrogate pairs anywhere in a request, field names included", () => {
    const issues = unstorableTextIssues({
      name: "张\u0000三",
      members: [{ note: "ok" }, { note: "\ud800" }],
      ["bad\u0000key"]: 1,
      fine: "😀 一切正常",
    });
    expect(issues.map((issue) => issue.path.join("."))).toEqual(["name", "members.1.note", "bad\u0000key"]);
    expect(issues.every((issue) => issue.code === "custom" && issue.message === "validation.unstorableText")).toBe(true);
  });

  it("lets whole surrogate pairs, other control characters and non-strings through", () => {
    expect(unstorableTextIssues({ emoji: "𠀀😀", tab: "a\tb\n", n: 0, b: false, nothing: null, list: [1, "x"] })).toEqual([]);
    expect(unstorableTextIssues("\udc00")).toHaveLength(1);
  });
});
