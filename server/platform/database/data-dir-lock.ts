import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The embedded database allows one process at a time: PGlite does not guard
 * its directory (two servers on one DATA_DIR both open it and overwrite each
 * other's pages), and a restore must never replace a database a server is
 * using. The holder writes `<dir>.lock` with its process id and host, and
 * touches it every `heartbeatMs` while it runs.
 *
 * A lock is stale, and taken over, when its process is gone (same host), or
 * when it has not been touched for `staleAfterMs` (another host, where the
 * process cannot be asked; e.g. a container recreated after a crash). A
 * SIGKILLed server thus restarts at once on its own machine.
 */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner,
  ) {
    super(
      `${lockFile}: the database is in use by process ${owner.pid} on ${owner.host} (since ${owner.since}). ` +
        "Stop that server first. If no server uses this directory, delete the lock file.",
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export interface LockOptions {
  heartbeatMs?: number;
  staleAfterMs?: number;
}

/** Lock files held by this process: a container's server is often pid 1 again after a restart, so a lock naming our own pid is stale unless listed here. */
const heldHere = new Set<string>();

export function lockFileFor(dir: string): string {
  return `${path.resolve(dir)}.lock`;
}

export function acquireDataDirLock(dir: string, { heartbeatMs = 10_000, staleAfterMs = 60_000 }: LockOptions = {}): DataDirLock {
  const file = lockFileFor(dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  // Written aside and linked into place: link() fails when the name exists, so of two starting servers one wins.
  const temporary = `${file}.${process.pid}.${Date.now()}`;
  fs.writeFileSync(temporary, JSON.stringify(owner));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(temporary, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
          const holder = readOwner(file);
          if (holder) throw new DataDirLockedError(file, holder);
          throw error;
        }
        const holder = readOwner(file);
        if (holder && !isStale(file, holder, staleAfterMs)) throw new DataDirLockedError(file, holder);
        fs.rmSync(file, { force: true });
      }
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  heldHere.add(file);
  const timer = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // Removed by hand while running: nothing to refresh; the database itself is unaffected.
    }
  }, heartbeatMs);
  timer.unref();
  return {
    file,
    release() {
      clearInterval(timer);
      if (!heldHere.delete(file)) return;
      // Only our own lock: a release after someone took over a lock we let go stale leaves theirs alone.
      const current = readOwner(file);
      if (current?.pid === owner.pid && current.since === owner.since) fs.rmSync(file, { force: true });
    },
  };
}

/** Who holds the lock of `dir`, if anybody does (a stale lock counts as nobody). */
export function dataDirLockHolder(dir: string, staleAfterMs = 60_000): LockOwner | null {
  const file = lockFileFor(dir);
  const holder = readOwner(file);
  return holder && !isStale(file, holder, staleAfterMs) ? holder : null;
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockOwner;
  } catch {
    // Missing, or a half-written file from a process killed while writing it: nobody holds it.
    return null;
  }
}

function isStale(file: string, holder: LockOwner, staleAfterMs: number): boolean {
  if (holder.host === os.hostname()) {
    if (holder.pid === process.pid) return !heldHere.has(file);
    return !processAlive(holder.pid);
  }
  try {
    return Date.now() - fs.statSync(file).mtimeMs > staleAfterMs;
  } catch {
    return true;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
