import { describe, expect, it } from "vitest";
import { jsonNestsDeeperThan } from "../../../server/http/json-depth.ts";

describe("JSON nesting depth", () => {
  it("counts objects and arrays, not brackets inside strings", () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: "[[[[{{{{" }), 1)).toBe(false);
    // An escaped quote does not end the string.
    expect(jsonNestsDeeperThan(JSON.stringify({ text: 'say "[[[[" \\' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan("[1,[2],[3],[4]]", 2)).toBe(false);
  });

  it("stops at the first level too deep, whatever follows", () => {
    expect(jsonNestsDeeperThan("[".repeat(100_000), 20)).toBe(true);
    expect(jsonNestsDeeperThan(`${"[".repeat(21)}oops`, 20)).toBe(true);
    expect(jsonNestsDeeperThan("", 20)).toBe(false);
  });
});
