// The production build (npm run build): built into a temporary directory, then run with plain Node — no tsx, no
// console build at run time — on the embedded database in memory, as an operator runs dist/server/main.js.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/** Runs a command to its end; resolves with its exit code and everything it wrote. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The environment of the built server: this one's, without a loader (tsx) handed down in NODE_OPTIONS. */
function plainNodeEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: "", ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

describe("npm run build, then node <dist>/server/main.js", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-build-"));
  const out = path.join(work, "app");
  const dataDir = path.join(work, "data");
  let server: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);
  let output = "";
  let base = "";
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let started = Date.now();
    const built = await run("npm", ["run", "--silent", "build", "--", "--out-dir", out], { cwd: root });
    timings.build = Date.now() - started;
    expect(built.code, built.output).toBe(0);
    // Outside the checkout the build finds its packages as a deployment would: in a node_modules above it.
    fs.symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"), "dir");
    fs.mkdirSync(dataDir);

    started = Date.now();
    server = spawn(process.execPath, [path.join(out, "server/main.js")], {
      cwd: work,
      env: plainNodeEnv({ PORT: "0", DATA_DIR: dataDir, EMBEDDED_IN_MEMORY: "true", LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk) => (output += chunk));
    server.stderr!.on("data", (chunk) => (output += chunk));
    const child = server;
    exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    const printed = /API docs\s+http:\/\/127\.0\.0\.1:(\d+)\/docs/;
    const deadline = Date.now() + 60_000;
    while (!printed.test(output) && server.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const port = printed.exec(output)?.[1];
    expect(port, output).toBeDefined();
    base = `http://127.0.0.1:${port}`;
    timings.start = Date.now() - started;
  }, 240_000);

  afterAll(() => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`build ${(timings.build ?? 0) / 1000} s, start ${(timings.start ?? 0) / 1000} s`);
  });

  it("lays the output out as the repository, so the paths computed from import.meta.dirname hold", () => {
    expect(JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"))).toMatchObject({ type: "module" });
    for (const file of [
      "server/main.js",
      "server/cli/migrate.js",
      "bot/config.js",
      "server/features/workflow/definitions/low-income-assistance.json",
      "server/features/bot/simulator/simulator.html",
      "server/features/understanding/lexicon.json",
      "prisma/migrations/20261125000000_init/migration.sql",
      "console/dist/index.html",
      "console/dist/status.html",
    ])
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    const typescript = fs.readdirSync(out, { recursive: true }).filter((file) => String(file).endsWith(".ts"));
    expect(typescript).toEqual([]);
    expect(fs.readFileSync(path.join(out, "server/main.js"), "utf8")).toMatch(/from "\.\/app\.js"/);
  });

  it("answers /health/live and /health/ready", async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({ status: "ok", database: "embedded" });
  });

  it("serves the built console and its assets", async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    const asset = /\/console\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset, html).toBeDefined();
    // Bodies read to their end: a response left half-read holds its connection, and the graceful stop waits for it.
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const status = await fetch(`${base}/status`);
    expect(status.status).toBe(200);
    expect(await status.text()).toContain("<html");
  });

  it("takes a report from the demo resident", async () => {
    const login = await (
      await fetch(`${base}/api/auth/wechat/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: "dev:demo" }),
      })
    ).json();
    expect(login.token).toEqual(expect.any(String));
    const submitted = await fetch(`${base}/api/cases`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.token}`, "idempotency-key": "build-test-0001" },
      body: JSON.stringify({
        description: "家里房子被洪水冲了",
        applicantName: "张德福",
        phone: "13811112222",
        consent: { personalInformation: true },
      }),
    });
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    expect((await submitted.json()).number).toMatch(/^\d{4}-\d{6}$/);
  });

  it("stops gracefully on SIGTERM", async () => {
    server!.kill("SIGTERM");
    expect(await exited, output).toBe(0);
  });

  it("runs the command-line tools from the build (node <dist>/server/cli/migrate.js)", async () => {
    const migrated = await run(process.execPath, [path.join(out, "server/cli/migrate.js")], {
      cwd: work,
      env: plainNodeEnv({ DATA_DIR: path.join(work, "cli-data") }),
    });
    expect(migrated.code, migrated.output).toBe(0);
    expect(migrated.output).toMatch(/embedded database: applied \d+ migration\(s\)/);
  }, 60_000);
});
