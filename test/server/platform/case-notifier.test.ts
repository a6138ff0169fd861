import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../server/platform/database/database.ts";
import { CaseNotifier, noticeChannel, type BusEvent, type CaseNotice } from "../../../server/platform/case-notifier.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../helpers/test-database.ts";

/** What a notifier logged, by level. */
function recordingLog() {
  const lines: { level: "error" | "warn" | "info"; message: string }[] = [];
  const at = (level: "error" | "warn" | "info") => (_details: object, message: string) => void lines.push({ level, message });
  return { lines, log: { error: at("error"), warn: at("warn"), info: at("info") } };
}

/** Collects a notifier's events so a test can wait for the ones it expects. */
function inbox(notifier: CaseNotifier) {
  const events: BusEvent[] = [];
  notifier.subscribe((event) => events.push(event));
  return events;
}

const opened = (n: number): Extract<CaseNotice, { desk: unknown }> => ({
  kind: "task.opened",
  urgent: false,
  taskId: `00000000-0000-4000-8000-00000000000${n}`,
  caseNumber: `2026-00000${n}`,
  stage: "VILLAGE_VERIFICATION",
  desk: "VILLAGE",
  regionPath: "990101/990101001/990101001001/",
  escalatedToPath: null,
  dueAt: new Date("2026-12-02T15:59:59.999Z"),
  dueProvisional: false,
});

describe(`the notice bus between server instances (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  /** The database as a second server instance opens it: the same embedded database in this process, or a pool and listening connection of its own. */
  let second: Database;
  const notifiers: CaseNotifier[] = [];
  const instance = async (db: () => Database) => {
    const { lines, log } = recordingLog();
    const notifier = new CaseNotifier(db(), log);
    await notifier.start();
    notifiers.push(notifier);
    return { notifier, lines, events: inbox(notifier) };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.migrate();
    second = t.url ? await openDatabase({ url: t.url }) : t.db;
  });
  afterAll(async () => {
    for (const notifier of notifiers) await notifier.stop();
    if (second !== t.db) await second.close();
    await t.drop();
  });

  it("brings each notice one instance publishes to every instance's subscribers, in order", async () => {
    const a = await instance(() => t.db);
    const b = await instance(() => second);
    const published = [opened(1), opened(2), opened(3)];
    for (const notice of published) a.notifier.publish(notice);
    a.notifier.pushesDue();
    await expect.poll(() => b.events.length).toBe(4);
    expect(b.events).toEqual([...published, { kind: "bot.pushes.due" }]);
    expect(b.events[0]).toMatchObject({ dueAt: new Date("2026-12-02T15:59:59.999Z") });
    await expect.poll(() => a.events).toEqual(b.events);
  });

  it("runs the hooks of the publishing instance only, once: what must happen once is done there", async () => {
    const a = await instance(() => t.db);
    const b = await instance(() => second);
    const hooked = { a: [] as string[], b: [] as string[] };
    a.notifier.onPublish((notice) => hooked.a.push(notice.caseNumber));
    b.notifier.onPublish((notice) => hooked.b.push(notice.caseNumber));
    a.notifier.publish(opened(4));
    await expect.poll(() => b.events.length).toBe(1);
    expect(hooked).toEqual({ a: ["2026-000004"], b: [] });
  });

  it("drops what it cannot send or read without losing the notices around it", async () => {
    const a = await instance(() => t.db);
    const b = await instance(() => second);
    // Another version's kind (an instance of a newer release during a rolling restart) and a broken payload.
    await t.db.notify(noticeChannel, [JSON.stringify({ kind: "case.archived", caseId: "x" }), "not json"]);
    // Too large for a notification (PostgreSQL's limit is 8000 bytes): refused here, logged, the next one still goes.
    a.notifier.publish({ ...opened(5), regionPath: "9".repeat(8000) });
    a.notifier.publish(opened(6));
    await expect.poll(() => b.events.length).toBe(1);
    await a.notifier.flushed();
    expect(b.events).toEqual([opened(6)]);
    expect(a.lines).toEqual([{ level: "error", message: "a notice too large for a notification was not sent" }]);
  });

  if (testDatabaseKind === "postgres") {
    it("listens again when its connection is killed, and tells its subscribers to refresh what they show", async () => {
      const a = await instance(() => t.db);
      const b = await instance(() => second);
      const listening = () =>
        t.db.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'fanpin-listen' AND datname = current_database() AND pid <> pg_backend_pid()",
        );
      const before = await listening();
      expect(before.length).toBe(notifiers.length);
      await t.db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fanpin-listen' AND datname = current_database()",
      );
      await expect.poll(() => b.events, { timeout: 10_000 }).toContainEqual({ kind: "resync" });
      expect(b.lines.map((l) => l.level)).toEqual(["warn", "info"]);
      expect(b.lines[0]!.message).toContain("lost the connection");
      const after = await listening();
      expect(after.length).toBe(notifiers.length);
      expect(after.map((r) => r.pid).filter((pid) => before.some((r) => r.pid === pid))).toEqual([]);

      a.notifier.publish(opened(7));
      await expect.poll(() => b.events).toContainEqual(opened(7));
    });
  }
});
