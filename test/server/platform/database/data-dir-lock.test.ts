import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  acquireDataDirLock,
  dataDirLockHolder,
  DataDirLockedError,
  lockFileFor,
} from "../../../../server/platform/database/data-dir-lock.ts";

describe("the embedded database's directory lock", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-lock-"));
  const dir = path.join(root, "pglite");
  afterEach(() => fs.rmSync(lockFileFor(dir), { force: true }));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("lets one holder in at a time, and the next one after it is released", () => {
    const lock = acquireDataDirLock(dir);
    expect(dataDirLockHolder(dir)).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    lock.release();
    expect(fs.existsSync(lockFileFor(dir))).toBe(false);
    expect(dataDirLockHolder(dir)).toBeNull();
    acquireDataDirLock(dir).release();
  });

  it("takes over the lock of a process that died without releasing it (a SIGKILLed server)", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    fs.writeFileSync(lockFileFor(dir), JSON.stringify({ pid: dead, host: os.hostname(), since: "2026-01-01T00:00:00Z" }));
    expect(dataDirLockHolder(dir)).toBeNull();
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(fs.readFileSync(lockFileFor(dir), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("respects a live process's lock on this machine, and another machine's until it stops refreshing it", () => {
    fs.writeFileSync(lockFileFor(dir), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: "2026-01-01T00:00:00Z" }));
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by process/);

    fs.writeFileSync(lockFileFor(dir), JSON.stringify({ pid: 1, host: "another-host", since: "2026-01-01T00:00:00Z" }));
    expect(() => acquireDataDirLock(dir, { staleAfterMs: 60_000 })).toThrow(DataDirLockedError);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lockFileFor(dir), old, old);
    acquireDataDirLock(dir, { staleAfterMs: 60_000 }).release();
  });

  it("keeps its lock fresh while held", async () => {
    const lock = acquireDataDirLock(dir, { heartbeatMs: 20 });
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lockFileFor(dir), old, old);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Date.now() - fs.statSync(lockFileFor(dir)).mtimeMs).toBeLessThan(5_000);
    lock.release();
  });
});
