import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema, loadConfig, productionProblems } from "../server/config.ts";

const root = path.resolve(import.meta.dirname, "..");
const example = fs.readFileSync(path.join(root, ".env.example"), "utf8");

/** server/config.ts's envNames (setting → variable), read from its text. */
function envNames(): Record<string, string> {
  const text = fs.readFileSync(path.join(root, "server/config.ts"), "utf8");
  const block = /const envNames\b[^=]*=\s*\{([\s\S]*?)\n\};/.exec(text)?.[1];
  if (!block) throw new Error("server/config.ts: no `const envNames … = { … };` found");
  return Object.fromEntries([...block.matchAll(/^\s*(\w+):\s*"([A-Z][A-Z0-9_]*)",?\s*$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The variables the server reads for the WeChat bot it runs in its own process (BOT_PUPPET set): bot/config.ts's. */
function botNames(): string[] {
  const text = fs.readFileSync(path.join(root, "bot/config.ts"), "utf8");
  // server/main.ts gives the bot its own address; BOT_SERVER_URL is for a bot in a process of its own.
  return [...text.matchAll(/pick\("([A-Z][A-Z0-9_]*)"\)/g)].map((m) => m[1]!).filter((name) => name !== "BOT_SERVER_URL");
}

/** NAME=value lines as they are (a systemd EnvironmentFile, or a shell with set -a). */
const setLines = example.split("\n").filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
const listed = (name: string) => new RegExp(`^\\s*(#\\s*)?${name}=`, "m").test(example);

describe(".env.example", () => {
  it("reads every variable name of server/config.ts (the parse of envNames is complete)", () => {
    const names = envNames();
    const settings = Object.keys(configSchema.shape).filter((key) => key !== "production"); // production comes from NODE_ENV
    expect(Object.keys(names).sort()).toEqual(settings.sort());
  });

  it("lists every setting the server reads, NODE_ENV and the in-process bot's included", () => {
    const names = [...Object.values(envNames()), "NODE_ENV", ...botNames()];
    expect(botNames()).toContain("BOT_PUPPET");
    const missing = names.filter((name) => !listed(name));
    expect(missing, `add these to .env.example, each with a one-line comment and a safe example value: ${missing.join(", ")}`).toEqual([]);
  });

  it("gives each setting once, with a comment above it", () => {
    const lines = example.split("\n");
    const seen = new Map<string, number>();
    lines.forEach((line, i) => {
      const name = /^\s*(?:#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (!name) return;
      seen.set(name, (seen.get(name) ?? 0) + 1);
      const above = lines[i - 1] ?? "";
      expect(above.startsWith("# ") && !/^#\s*[A-Z][A-Z0-9_]*=/.test(above), `${name} needs a comment line above it`).toBe(true);
    });
    expect([...seen].filter(([, count]) => count > 1)).toEqual([]);
    for (const line of setLines) expect(line).toMatch(/^[A-Z][A-Z0-9_]*=\S*$/);
  });

  it("is a production example that the server reads, and refuses until its keys are replaced", () => {
    const env = Object.fromEntries(setLines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    expect(env).toMatchObject({ NODE_ENV: "production", WECHAT_PROVIDER: "wechat", SEED_DEMO: "false", SIMULATOR: "false" });
    for (const secret of ["DATA_KEYS", "LOOKUP_KEY", "TOKEN_SECRET", "WECHAT_APP_SECRET"]) expect(env[secret]).toContain("REPLACE_WITH_");
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    const problems = productionProblems(config);
    expect(problems.some((p) => p.startsWith("DATA_KEYS"))).toBe(true);
    expect(problems.some((p) => p.startsWith("LOOKUP_KEY"))).toBe(true);
    expect(problems.some((p) => p.startsWith("TOKEN_SECRET"))).toBe(true);
    expect(problems.filter((p) => /WECHAT_PROVIDER|SEED_DEMO|SIMULATOR/.test(p))).toEqual([]);
  });
});
