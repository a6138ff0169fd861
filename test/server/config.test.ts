import { describe, expect, it } from "vitest";
import { loadConfig, productionProblems } from "../../server/config.ts";

const key = "q".repeat(43) + "=";
const live = {
  NODE_ENV: "production",
  WECHAT_PROVIDER: "wechat",
  WECHAT_APP_ID: "wx0123456789abcdef",
  WECHAT_APP_SECRET: "secret",
  SEED_DEMO: "false",
  SIMULATOR: "false",
  DATA_KEYS: `k1:${key}`,
  LOOKUP_KEY: key,
  TOKEN_SECRET: key,
};

describe("production mode (NODE_ENV=production)", () => {
  it("is off unless NODE_ENV says production, and then asks nothing of development", () => {
    expect(loadConfig({}).production).toBe(false);
    expect(loadConfig({ NODE_ENV: "development" }).production).toBe(false);
    expect(productionProblems(loadConfig({}))).toEqual([]);
  });

  it("names every development setting and every generated key, with the setting to change", () => {
    const problems = productionProblems(loadConfig({ NODE_ENV: "production" }));
    expect(problems.join("\n")).toMatch(/WECHAT_PROVIDER=wechat/);
    expect(problems.join("\n")).toMatch(/SEED_DEMO=false/);
    expect(problems.join("\n")).toMatch(/SIMULATOR=false/);
    expect(problems.join("\n")).toMatch(/DATA_KEYS must be given/);
    expect(problems.join("\n")).toMatch(/LOOKUP_KEY must be given/);
    expect(problems.join("\n")).toMatch(/TOKEN_SECRET must be given/);
  });

  it("refuses short keys typed in by hand, and a WeChat provider without its credentials", () => {
    const problems = productionProblems(loadConfig({ ...live, TOKEN_SECRET: "changeme", WECHAT_APP_SECRET: "" }));
    expect(problems).toEqual([expect.stringMatching(/WECHAT_APP_SECRET/), expect.stringMatching(/TOKEN_SECRET/)]);
  });

  it("accepts a live configuration", () => {
    expect(productionProblems(loadConfig(live))).toEqual([]);
  });
});
