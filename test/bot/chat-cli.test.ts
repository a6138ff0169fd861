import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("npm run bot:chat (the terminal simulator)", () => {
  it("runs the server's conversation end to end: report, questions, confirmation, case number, status", () => {
    const output = execFileSync("npm", ["run", "--silent", "bot:chat"], {
      cwd: root,
      input: "家里房子被洪水冲了,在石门村\n刘长根\n13900005678\n是\n查进度\n",
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "" },
    });
    expect(output).toContain("请问申请人叫什么名字?");
    expect(output).toContain("地址:石门村");
    const number = /案件编号是 (\d{4}-\d{6})/.exec(output)?.[1];
    expect(number).toBeDefined();
    expect(output).toContain(`案件 ${number}(困难情况报告):村里上门核实`);
  }, 90_000);
});
