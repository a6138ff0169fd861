import { clientAddressKey } from "../../http/client-address.ts";
import { TooManyRequestsError } from "../../core/errors.ts";
import type { SharedCounters } from "../../platform/counters/shared-counters.ts";

export interface LoginGuardLimits {
  /** Failed log-ins per client address in 15 minutes, whatever the user names. */
  failuresPerClient: number;
  /** Wrong bot binding codes per WeChat sender in an hour. */
  bindingFailuresPerSender: number;
  /** Wrong bot binding codes from all senders together in an hour. */
  bindingFailuresPerHour: number;
}

/** An account locks after this many wrong passwords in a row, for lockMinutes. */
export const maxFailedLogins = 5;
export const lockMinutes = 15;

const clientWindowMs = 15 * 60_000;
const bindingWindowMs = 60 * 60_000;
/**
 * How long a user name no account has remembers its failures. An account's count has no end (it ends at a
 * success, which a made-up name never has); a day is far longer than guessing one name could go unnoticed.
 */
const unknownNameWindowMs = 24 * 60 * 60_000;

/**
 * Throttles guessing where the per-account lock cannot: many user names from
 * one client (credential stuffing), WeChat codes, and the 6-digit codes that
 * bind a WeChat contact to a staff account. User names no account has lock
 * like real ones, so that "locked" does not tell that an account exists.
 * Counted in the database (SharedCounters), so guesses spread over several
 * instances of the server count together.
 */
export class LoginGuard {
  constructor(
    private readonly limits: LoginGuardLimits,
    private readonly counters: SharedCounters,
    private readonly now: () => Date,
  ) {}

  /** Refuses a log-in from a client address that failed too often lately, before anything is checked. */
  async checkClient(address: string): Promise<void> {
    const window = await this.counters.peek(`login-client:${clientAddressKey(address)}`, this.now());
    if (window && window.count >= this.limits.failuresPerClient)
      throw new TooManyRequestsError("LOGIN_THROTTLED", { minutes: this.minutesUntil(window.resetAt) });
  }

  async clientFailed(address: string): Promise<void> {
    await this.counters.hit(`login-client:${clientAddressKey(address)}`, clientWindowMs, this.now());
  }

  /** Minutes a user name without an account stays "locked", or 0. */
  async unknownNameLockedMinutes(username: string): Promise<number> {
    const lock = await this.counters.peek(`login-name-lock:${username}`, this.now());
    return lock ? this.minutesUntil(lock.resetAt) : 0;
  }

  /** A wrong password for a user name no account has, counted as an account would count it. */
  async unknownNameFailed(username: string): Promise<void> {
    const { count } = await this.counters.hit(`login-name:${username}`, unknownNameWindowMs, this.now());
    // Every fifth failure locks, as an account's count starts again after its lock.
    if (count % maxFailedLogins === 0) await this.counters.hit(`login-name-lock:${username}`, lockMinutes * 60_000, this.now());
  }

  /** Refuses a binding attempt from a sender (or from everybody) that guessed wrong too often in the last hour. */
  async checkBinding(senderId: string): Promise<void> {
    const now = this.now();
    const checks = [
      [`binding-sender:${senderId}`, this.limits.bindingFailuresPerSender],
      ["binding-all", this.limits.bindingFailuresPerHour],
    ] as const;
    for (const [key, max] of checks) {
      const window = await this.counters.peek(key, now);
      if (window && window.count >= max)
        throw new TooManyRequestsError("BINDING_THROTTLED", { minutes: this.minutesUntil(window.resetAt) });
    }
  }

  async bindingFailed(senderId: string): Promise<void> {
    await this.counters.hit(`binding-sender:${senderId}`, bindingWindowMs, this.now());
    await this.counters.hit("binding-all", bindingWindowMs, this.now());
  }

  private minutesUntil(at: Date): number {
    return Math.max(1, Math.ceil((at.getTime() - this.now().getTime()) / 60_000));
  }
}
