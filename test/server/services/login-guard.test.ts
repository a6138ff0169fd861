import { describe, expect, it } from "vitest";
import { LoginGuard } from "../../../server/services/login-guard.ts";

describe("login guard", () => {
  const setUp = () => {
    const clock = { now: new Date("2026-11-25T02:00:00Z") };
    const guard = new LoginGuard({ failuresPerClient: 3, bindingFailuresPerSender: 2, bindingFailuresPerHour: 3 }, () => clock.now);
    const later = (minutes: number) => (clock.now = new Date(clock.now.getTime() + minutes * 60_000));
    return { guard, later };
  };

  it("throttles a client address after its failures, whatever it tries, until the window ends", () => {
    const { guard, later } = setUp();
    for (let i = 0; i < 3; i++) {
      expect(() => guard.checkClient("203.0.113.7")).not.toThrow();
      guard.clientFailed("203.0.113.7");
    }
    expect(() => guard.checkClient("203.0.113.7")).toThrow(expect.objectContaining({ statusCode: 429, code: "LOGIN_THROTTLED", params: { minutes: 15 } }));
    expect(() => guard.checkClient("::ffff:203.0.113.7")).toThrow(expect.objectContaining({ code: "LOGIN_THROTTLED" }));
    expect(() => guard.checkClient("203.0.113.8")).not.toThrow();
    later(15);
    expect(() => guard.checkClient("203.0.113.7")).not.toThrow();
  });

  it("counts an IPv6 client's whole /64 as one client", () => {
    const { guard } = setUp();
    for (let i = 1; i <= 3; i++) guard.clientFailed(`2001:db8:0:1::${i}`);
    expect(() => guard.checkClient("2001:db8:0:1::99")).toThrow(expect.objectContaining({ code: "LOGIN_THROTTLED" }));
  });

  it("locks a user name no account has after 5 failures, for 15 minutes, as an account would be", () => {
    const { guard, later } = setUp();
    for (let i = 0; i < 4; i++) guard.unknownNameFailed("ghost");
    expect(guard.unknownNameLockedMinutes("ghost")).toBe(0);
    guard.unknownNameFailed("ghost");
    expect(guard.unknownNameLockedMinutes("ghost")).toBe(15);
    later(10);
    expect(guard.unknownNameLockedMinutes("ghost")).toBe(5);
    later(5);
    expect(guard.unknownNameLockedMinutes("ghost")).toBe(0);
  });

  it("throttles binding codes per sender, and for everybody once all senders together guessed too often", () => {
    const { guard, later } = setUp();
    guard.bindingFailed("wx-a");
    guard.bindingFailed("wx-a");
    expect(() => guard.checkBinding("wx-a")).toThrow(expect.objectContaining({ code: "BINDING_THROTTLED", params: { minutes: 60 } }));
    expect(() => guard.checkBinding("wx-b")).not.toThrow();
    guard.bindingFailed("wx-b");
    expect(() => guard.checkBinding("wx-c")).toThrow(expect.objectContaining({ code: "BINDING_THROTTLED" }));
    later(60);
    expect(() => guard.checkBinding("wx-a")).not.toThrow();
    expect(() => guard.checkBinding("wx-c")).not.toThrow();
  });
});
