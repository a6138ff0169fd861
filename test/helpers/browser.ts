import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import { consoleDistDir } from "../../server/routes/console-routes.ts";

/** Debian's Chromium with the flags this machine's closed network needs (see toolchain.md). */
export const chromiumOptions = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumOptions);
}

/** `npm test` builds the console first; a test file run on its own builds it when the build is missing. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (fs.existsSync(`${consoleDistDir}index.html`)) return;
  await build({ configFile: new URL("../../console/vite.config.ts", import.meta.url).pathname, logLevel: "warn" });
}
