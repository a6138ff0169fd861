import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../../../server/platform/database/database.ts";
import { DataDirLockedError } from "../../../../server/platform/database/data-dir-lock.ts";

describe("the file-backed embedded database", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-storage-"));
  const dir = path.join(root, "pglite");
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("syncs the WAL to disk before a commit returns, and lets no second database open its directory", async () => {
    const db = await openDatabase({ url: "", embeddedDir: dir });
    try {
      expect(await db.query("SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method")).toEqual([
        { fsync: "on", method: "fsync" },
      ]);
      await db.query("CREATE TABLE durable (id int PRIMARY KEY)");

      const fsync = vi.spyOn(fs, "fsyncSync");
      try {
        await db.query("INSERT INTO durable VALUES (1)");
        const synced = fsync.mock.calls.map(([fd]) => fs.readlinkSync(`/proc/self/fd/${fd}`));
        expect(synced.some((file) => file.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
      } finally {
        fsync.mockRestore();
      }

      await expect(openDatabase({ url: "", embeddedDir: dir })).rejects.toThrow(DataDirLockedError);
    } finally {
      await db.close();
    }
    const reopened = await openDatabase({ url: "", embeddedDir: dir });
    expect(await reopened.query("SELECT id FROM durable")).toEqual([{ id: 1 }]);
    await reopened.close();
  });
});
