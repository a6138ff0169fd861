import { describe, expect, it } from "vitest";
import { WindowCounter } from "../../../../server/platform/counters/window-counter.ts";

describe("window counter", () => {
  const clock = () => {
    const at = { now: 0 };
    return { at, now: () => at.now };
  };

  it("counts a key's events until its window ends, each key on its own", () => {
    const { at, now } = clock();
    const counter = new WindowCounter({ max: 3, windowMs: 60_000, now });
    expect([counter.add("a"), counter.add("a"), counter.add("a")]).toEqual([1, 2, 3]);
    expect(counter.exhausted("a")).toBe(true);
    expect(counter.exhausted("b")).toBe(false);
    at.now = 45_000;
    expect(counter.add("a")).toBe(4);
    expect(counter.retryAfterMs("a")).toBe(15_000);
    at.now = 60_000;
    expect(counter.count("a")).toBe(0);
    expect(counter.exhausted("a")).toBe(false);
    expect(counter.add("a")).toBe(1);
  });

  it("keeps at most maxKeys keys, dropping expired windows first and then the oldest", () => {
    const { at, now } = clock();
    const counter = new WindowCounter({ max: 1, windowMs: 1000, now, maxKeys: 3 });
    counter.add("old");
    at.now = 2000;
    counter.add("b");
    counter.add("c");
    counter.add("d");
    counter.add("e");
    // "old" had expired and went in the sweep; then "b", the oldest live key.
    expect(["b", "c", "d", "e"].map((key) => counter.count(key))).toEqual([0, 1, 1, 1]);
  });
});
