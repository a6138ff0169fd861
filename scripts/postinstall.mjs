// npm's postinstall: generates the Prisma client (server/platform/database/generated) with the Prisma CLI.
// Only building (npm run build) and running from source (tsx) need it; a built dist/ carries its own compiled
// client. So on an install without the development dependencies (npm ci --omit=dev, on a host that runs an
// already built dist/) the step is skipped, saying so: the CLI is a development dependency and may be absent,
// and where npm installs it anyway (an optional peer of @prisma/client) there is nothing to generate it for.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";

const root = path.resolve(import.meta.dirname, "..");
const prisma = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "prisma.cmd" : "prisma");
const listed = (value, name) => (value ?? "").split(/[\s,]+/).includes(name);
const devOmitted = listed(process.env.npm_config_omit, "dev") && !listed(process.env.npm_config_include, "dev");

if (devOmitted || !fs.existsSync(prisma)) {
  process.stdout.write(
    `postinstall: Prisma client not generated (${devOmitted ? "development dependencies omitted" : "the Prisma CLI is not installed"}); ` +
      "a built dist/ carries its own. To build: npm ci && npm run build.\n",
  );
} else {
  const result = spawnSync(prisma, ["generate"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
}
