import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import type { AppConfig } from "../../server/config.ts";
import { consoleDistDir } from "../../server/features/console/console-routes.ts";
import { createTestApp, type TestApp } from "./test-app.ts";

/** Debian's Chromium with the flags this machine's closed network needs (see toolchain.md). */
export const chromiumOptions = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumOptions);
}

/** `npm test` builds the console first; a test file run on its own builds it when the build is missing. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (fs.existsSync(`${consoleDistDir}index.html`)) return;
  await build({ configFile: new URL("../../console/vite.config.ts", import.meta.url).pathname, logLevel: "warn" });
}

/** The real app (test-app.ts) on a loopback port, with the console built, and a browser to open its pages in. */
export async function browserTestApp(
  overrides: Partial<AppConfig> = {},
): Promise<{ t: TestApp; base: string; browser: Browser; close: () => Promise<void> }> {
  await ensureConsoleBuilt();
  const t = await createTestApp(overrides);
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium().catch(async (error: unknown) => {
    await t.close();
    throw error;
  });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
