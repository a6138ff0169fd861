import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleShared } from "../../scripts/build-miniprogram-vendor.ts";
import { createTestApp } from "../helpers/test-app.ts";
import { miniprogramRoot } from "./harness.ts";

describe("what the mini-program shares with the server", () => {
  it("ships the bundle of the current schemas and translations (run npm run mp:vendor after changing them)", async () => {
    const committed = fs.readFileSync(path.join(miniprogramRoot, "vendor/shared.js"), "utf8");
    expect(committed === (await bundleShared()), "miniprogram/vendor/shared.js is stale: run npm run mp:vendor").toBe(true);
  });

  it("calls only endpoints the server has, with the same method", async () => {
    const client = fs.readFileSync(path.join(miniprogramRoot, "lib/api.ts"), "utf8");
    const endpoints = [...client.matchAll(/^\s+"(GET|POST|PUT|PATCH|DELETE) (\/[^"]+)":/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(endpoints.length).toBeGreaterThan(5);
    const t = await createTestApp();
    try {
      const doc = (await t.app.inject({ method: "GET", url: "/docs/json" })).json() as { paths: Record<string, Record<string, unknown>> };
      const missing = endpoints.filter(([method, route]) => !doc.paths[route.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()]);
      expect(missing).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
