import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginGuard } from "../../../../server/features/auth/login-guard.ts";
import { SharedCounters } from "../../../../server/platform/counters/shared-counters.ts";
import { createTestDatabase, testDatabaseKind, type TestDatabase } from "../../../helpers/test-database.ts";

describe(`login guard (${testDatabaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.migrate();
  });
  afterAll(() => t.drop());

  const setUp = () => {
    const clock = { now: new Date("2026-11-25T02:00:00Z") };
    const counters = new SharedCounters(t.db.sql);
    const guard = new LoginGuard(
      { failuresPerClient: 3, bindingFailuresPerSender: 2, bindingFailuresPerHour: 3 },
      counters,
      () => clock.now,
    );
    const later = (minutes: number) => (clock.now = new Date(clock.now.getTime() + minutes * 60_000));
    // A second server instance on the same database, with its own counters object.
    const other = new LoginGuard(
      { failuresPerClient: 3, bindingFailuresPerSender: 2, bindingFailuresPerHour: 3 },
      new SharedCounters(t.db.sql),
      () => clock.now,
    );
    return { guard, other, later };
  };
  let run = 0;
  /** Each test counts for keys of its own: the database is shared by the file. */
  const fresh = (name: string) => `${name}-${++run}`;

  it("throttles a client address after its failures, whatever it tries and on whichever instance, until the window ends", async () => {
    const { guard, other, later } = setUp();
    const address = `203.0.113.${++run}`;
    for (const instance of [guard, other, guard]) {
      await expect(instance.checkClient(address)).resolves.toBeUndefined();
      await instance.clientFailed(address);
    }
    await expect(other.checkClient(address)).rejects.toMatchObject({ statusCode: 429, code: "LOGIN_THROTTLED", params: { minutes: 15 } });
    await expect(guard.checkClient(`::ffff:${address}`)).rejects.toMatchObject({ code: "LOGIN_THROTTLED" });
    await expect(guard.checkClient(`203.0.113.${++run}`)).resolves.toBeUndefined();
    later(10);
    await expect(guard.checkClient(address)).rejects.toMatchObject({ params: { minutes: 5 } });
    later(5);
    await expect(guard.checkClient(address)).resolves.toBeUndefined();
  });

  it("counts an IPv6 client's whole /64 as one client", async () => {
    const { guard } = setUp();
    const prefix = `2001:db8:0:${++run}`;
    for (let i = 1; i <= 3; i++) await guard.clientFailed(`${prefix}::${i}`);
    await expect(guard.checkClient(`${prefix}::99`)).rejects.toMatchObject({ code: "LOGIN_THROTTLED" });
  });

  it("locks a user name no account has after 5 failures, for 15 minutes, as an account would be, then after 5 more", async () => {
    const { guard, other, later } = setUp();
    const name = fresh("ghost");
    for (let i = 0; i < 4; i++) await (i % 2 ? other : guard).unknownNameFailed(name);
    expect(await guard.unknownNameLockedMinutes(name)).toBe(0);
    await other.unknownNameFailed(name);
    expect(await guard.unknownNameLockedMinutes(name)).toBe(15);
    later(10);
    expect(await other.unknownNameLockedMinutes(name)).toBe(5);
    later(5);
    expect(await guard.unknownNameLockedMinutes(name)).toBe(0);
    for (let i = 0; i < 4; i++) await guard.unknownNameFailed(name);
    expect(await guard.unknownNameLockedMinutes(name)).toBe(0);
    await guard.unknownNameFailed(name);
    expect(await guard.unknownNameLockedMinutes(name)).toBe(15);
  });

  it("throttles binding codes per sender, and for everybody once all senders together guessed too often", async () => {
    const { guard, other, later } = setUp();
    const [a, b, c] = [fresh("wx-a"), fresh("wx-b"), fresh("wx-c")];
    await guard.bindingFailed(a);
    await other.bindingFailed(a);
    await expect(guard.checkBinding(a)).rejects.toMatchObject({ code: "BINDING_THROTTLED", params: { minutes: 60 } });
    await expect(guard.checkBinding(b)).resolves.toBeUndefined();
    await other.bindingFailed(b);
    await expect(guard.checkBinding(c)).rejects.toMatchObject({ code: "BINDING_THROTTLED" });
    later(60);
    await expect(guard.checkBinding(a)).resolves.toBeUndefined();
    await expect(other.checkBinding(c)).resolves.toBeUndefined();
  });
});
