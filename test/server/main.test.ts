import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("the run command (npm start's entry point)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-main-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("starts on the embedded database with the demo county, prints URLs and logins, keeps personal data out of its logs, and shuts down gracefully", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "info", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    const deadline = Date.now() + 60_000;
    while (!/API docs\s+http:\/\/127\.0\.0\.1:(\d+)\/docs/.test(output) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const port = /API docs\s+http:\/\/127\.0\.0\.1:(\d+)\/docs/.exec(output)?.[1];
    expect(port, output).toBeDefined();
    expect(output).toContain("village-shimen");
    expect(output).toContain('password "demo1234"');

    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/health/ready`)).json()).toMatchObject({ status: "ok", database: "embedded" });
    const login = await (
      await fetch(`${base}/api/auth/wechat/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: "dev:demo" }),
      })
    ).json();
    const mine = await (await fetch(`${base}/api/me/cases`, { headers: { authorization: `Bearer ${login.token}` } })).json();
    // The demo resident filed demo cases in different stages.
    expect(mine.items.length).toBeGreaterThanOrEqual(2);
    const countyLogin = await (
      await fetch(`${base}/api/auth/staff/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "county", password: "demo1234" }),
      })
    ).json();
    const queue = await (
      await fetch(`${base}/api/staff/cases?limit=100`, { headers: { authorization: `Bearer ${countyLogin.token}` } })
    ).json();
    const stages = new Set(queue.items.map((c: { stage: string }) => c.stage));
    expect([...stages].sort()).toEqual([
      "COUNTY_TRIAGE",
      "NOT_IDENTIFIED",
      "TOWNSHIP_EMERGENCY_RELIEF",
      "TOWNSHIP_REVIEW",
      "TOWNSHIP_TRIAGE",
      "VILLAGE_APPRAISAL",
      "VILLAGE_PUBLICITY",
      "VILLAGE_VERIFICATION",
    ]);
    expect(queue.items.some((c: { overdue: boolean }) => c.overdue)).toBe(true);
    const submitted = await fetch(`${base}/api/cases`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.token}`, "idempotency-key": "main-test-0001" },
      body: JSON.stringify({
        description: "家里房子被洪水冲了",
        applicantName: "张德福",
        phone: "13811112222",
        idNumber: "11010519491231002X",
        consent: { personalInformation: true },
      }),
    });
    expect(submitted.status).toBe(201);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).not.toContain(login.token);
    expect(output).not.toContain("13811112222");
    expect(output).not.toContain("11010519491231002X");
    // Persisted: the embedded database and the generated secrets are in the data directory.
    expect(fs.existsSync(path.join(dataDir, "pglite"))).toBe(true);
    expect(fs.statSync(path.join(dataDir, "secrets.json")).mode & 0o777).toBe(0o600);
  }, 90_000);
});
