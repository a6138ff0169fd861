// npm run build [-- --out-dir <dir>]: the production build, run with `node <dir>/server/main.js` (npm run start:prod).
//
// The output keeps the repository's layout, so that every path the server computes from import.meta.dirname
// holds inside it as it does in the checkout:
//   <dir>/server/…, <dir>/bot/…        JavaScript from tsc (tsconfig.build.json), imports rewritten from .ts to .js,
//                                      the Prisma client generated into server/platform/database/generated included
//   <dir>/server/**/(*.json, simulator/…)  files read at run time next to their module (workflow definitions,
//                                      the simulator page, the data files), copied as they are
//   <dir>/prisma/migrations/…          the SQL migrations the server applies at start (database.ts: ../../../prisma/migrations)
//   <dir>/console/dist/…               the staff console and status page, built once by Vite (console-routes.ts: ../../../console/dist/)
//   <dir>/package.json                 {"type": "module"}, so the output runs as ES modules wherever it is put
// Packages are found in the node_modules of a directory above <dir> (the checkout's, for the default dist/).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const marker = "Built by npm run build (scripts/build.ts); do not edit: it is replaced by the next build.";

function parseOutDir(argv: string[]): string {
  const at = argv.findIndex((arg) => arg === "--out-dir" || arg.startsWith("--out-dir="));
  if (at < 0) return path.join(root, "dist");
  const value = argv[at]!.includes("=") ? argv[at]!.slice(argv[at]!.indexOf("=") + 1) : argv[at + 1];
  if (!value) throw new Error("--out-dir needs a directory");
  return path.resolve(value);
}

/** Empties the output directory, refusing one that holds the checkout or something other than an earlier build. */
function cleanOutDir(outDir: string) {
  if (root === outDir || root.startsWith(outDir + path.sep)) throw new Error(`refusing to build into ${outDir}: it holds the checkout`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    const manifest = path.join(outDir, "package.json");
    const earlier =
      fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { description?: string }).description === marker;
    if (!earlier) throw new Error(`refusing to empty ${outDir}: it is not the output of an earlier build (no ${manifest} written by it)`);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, "package.json"),
    JSON.stringify({ description: marker, private: true, type: "module" }, null, 2) + "\n",
  );
}

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" } });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
}

/** Every file under `dir` that is not TypeScript (nor prose, nor hidden), as paths relative to the checkout. */
function runTimeFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.(ts|tsx|md)$/.test(entry.name) && !entry.name.startsWith("."))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

async function build(outDir: string) {
  const started = Date.now();
  const step = (what: string) => console.log(`build: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  cleanOutDir(outDir);

  // The Prisma client is generated at install (postinstall); generate it if that was skipped.
  if (!fs.existsSync(path.join(root, "server/platform/database/generated/client.ts"))) {
    step("generating the Prisma client");
    run(path.join(root, "node_modules/.bin/prisma"), ["generate"]);
  }

  step("compiling server/ and bot/ (tsc -p tsconfig.build.json)");
  run(path.join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json", "--outDir", outDir]);

  step("copying the files read at run time");
  let copied = 0;
  for (const file of [...runTimeFiles("server"), ...runTimeFiles("bot")]) {
    fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(outDir, file));
    copied++;
  }
  fs.cpSync(path.join(root, "prisma/migrations"), path.join(outDir, "prisma/migrations"), { recursive: true });

  step("building the console (npm run console:build)");
  run("npm", ["run", "--silent", "console:build", "--", "--outDir", path.join(outDir, "console/dist"), "--emptyOutDir"]);

  // Each place the code finds a file relative to itself, checked in the output.
  const expected = [
    "server/main.js",
    "server/cli/migrate.js",
    "bot/wechaty-bot.js",
    "server/platform/database/generated/client.js",
    "server/features/workflow/definitions",
    "server/features/bot/simulator/simulator.html",
    "server/features/bot/simulator/simulator.js",
    "server/features/screening-and-leads/screening-rules.json",
    "console/dist/index.html",
    "console/dist/status.html",
  ];
  const missing = expected.filter((file) => !fs.existsSync(path.join(outDir, file)));
  const migrations = fs
    .readdirSync(path.join(outDir, "prisma/migrations"))
    .filter((name) => fs.existsSync(path.join(outDir, "prisma/migrations", name, "migration.sql")));
  if (missing.length > 0 || migrations.length === 0)
    throw new Error(
      `the build is incomplete: missing ${[...missing, ...(migrations.length ? [] : ["prisma/migrations/*/migration.sql"])].join(", ")}`,
    );
  step(
    `done: ${path.relative(root, outDir) || outDir} (${copied} files copied beside the modules, ${migrations.length} migrations); run it with node ${path.join(path.relative(process.cwd(), outDir) || ".", "server/main.js")}`,
  );
}

try {
  await build(parseOutDir(process.argv.slice(2)));
} catch (error) {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
