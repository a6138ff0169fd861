import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("npm run bot:chat (the terminal simulator)", () => {
  it("drives the real bot on the mock puppet: report, questions, confirmation, case number, status, and a grid worker's forward", () => {
    const output = execFileSync("npm", ["run", "--silent", "bot:chat"], {
      cwd: root,
      input:
        "家里房子被洪水冲了,在石门村\n刘长根\n13900005678\n是\n查进度\n/as grid\n张德福家老伴又住院了,花了两万多\n张德福\n1\n13800001234\n是\n我转的\n",
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "" },
    });
    expect(output).toContain("请告诉我申请人姓名、手机号");
    expect(output).toContain("地址:柳溪镇石门村");
    const number = /案件编号是 (\d{4}-\d{6})/.exec(output)?.[1];
    expect(number).toBeDefined();
    expect(output).toContain(`案件 ${number}(困难情况报告):办理中,现在在“村里上门核实”。`);
    expect(output).toContain("1. 张** · 一组 · 990101001001-0007");
    const forwarded = [...output.matchAll(/案件编号是 (\d{4}-\d{6})/g)].map((m) => m[1]);
    expect(forwarded).toHaveLength(2);
    expect(output).toContain(`· ${forwarded[1]}:村里上门核实`);
  }, 90_000);
});
