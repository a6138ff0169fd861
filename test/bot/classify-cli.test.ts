import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("npm run --silent bot:classify", () => {
  it("prints one JSON object per input line with the evaluation fields", () => {
    const output = execFileSync("npm", ["run", "--silent", "bot:classify"], {
      cwd: root,
      input: "家里房子被洪水冲了\n查进度\n\nhello\n救命 房子着火了\n",
      encoding: "utf8",
    });
    const lines = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5);
    expect(Object.keys(lines[0])).toEqual(["is_hardship", "intent", "risk_types", "amounts", "case_number", "emergency"]);
    expect(lines[0]).toMatchObject({ is_hardship: true, intent: "hardship_report", risk_types: ["disaster", "housing"] });
    expect(lines[1]).toMatchObject({ is_hardship: false, intent: "status_query", risk_types: [] });
    expect(lines[2]).toMatchObject({ is_hardship: false, intent: "other" });
    expect(lines[3]).toMatchObject({ intent: "chit_chat", emergency: false });
    expect(lines[4]).toMatchObject({ is_hardship: true, emergency: true });
  }, 30_000);
});
