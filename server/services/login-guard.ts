import { clientAddressKey } from "../lib/client-address.ts";
import { TooManyRequestsError } from "../lib/errors.ts";
import { WindowCounter } from "../lib/window-counter.ts";

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
/** User names no account has that are remembered (a client tries only so many before it is throttled). */
const unknownNamesKept = 10_000;

/**
 * Throttles guessing where the per-account lock cannot: many user names from
 * one client (credential stuffing), WeChat codes, and the 6-digit codes that
 * bind a WeChat contact to a staff account. User names no account has lock
 * like real ones, so that "locked" does not tell that an account exists.
 * Counted in this process's memory, like the HTTP rate limits.
 */
export class LoginGuard {
  private readonly clientFailures: WindowCounter;
  private readonly senderBindingFailures: WindowCounter;
  private readonly bindingFailures: WindowCounter;
  private readonly unknownNames = new Map<string, { failed: number; lockedUntil: number }>();

  constructor(
    limits: LoginGuardLimits,
    private readonly now: () => Date,
  ) {
    const clock = () => now().getTime();
    this.clientFailures = new WindowCounter({ max: limits.failuresPerClient, windowMs: clientWindowMs, now: clock });
    this.senderBindingFailures = new WindowCounter({ max: limits.bindingFailuresPerSender, windowMs: bindingWindowMs, now: clock });
    this.bindingFailures = new WindowCounter({ max: limits.bindingFailuresPerHour, windowMs: bindingWindowMs, now: clock });
  }

  /** Refuses a log-in from a client address that failed too often lately, before anything is checked. */
  checkClient(address: string): void {
    const key = clientAddressKey(address);
    if (this.clientFailures.exhausted(key)) throw new TooManyRequestsError("LOGIN_THROTTLED", { minutes: minutesUntil(this.clientFailures.retryAfterMs(key)) });
  }

  clientFailed(address: string): void {
    this.clientFailures.add(clientAddressKey(address));
  }

  /** Minutes a user name without an account stays "locked", or 0. */
  unknownNameLockedMinutes(username: string): number {
    const entry = this.unknownNames.get(username);
    const left = entry ? entry.lockedUntil - this.now().getTime() : 0;
    return left > 0 ? minutesUntil(left) : 0;
  }

  /** A wrong password for a user name no account has, counted as an account would count it. */
  unknownNameFailed(username: string): void {
    const entry = this.unknownNames.get(username) ?? { failed: 0, lockedUntil: 0 };
    entry.failed++;
    if (entry.failed >= maxFailedLogins) Object.assign(entry, { failed: 0, lockedUntil: this.now().getTime() + lockMinutes * 60_000 });
    this.unknownNames.delete(username);
    this.unknownNames.set(username, entry);
    if (this.unknownNames.size > unknownNamesKept) this.unknownNames.delete(this.unknownNames.keys().next().value!);
  }

  /** Refuses a binding attempt from a sender (or from everybody) that guessed wrong too often in the last hour. */
  checkBinding(senderId: string): void {
    for (const [counter, key] of [[this.senderBindingFailures, senderId], [this.bindingFailures, "all"]] as const) {
      if (counter.exhausted(key)) throw new TooManyRequestsError("BINDING_THROTTLED", { minutes: minutesUntil(counter.retryAfterMs(key)) });
    }
  }

  bindingFailed(senderId: string): void {
    this.senderBindingFailures.add(senderId);
    this.bindingFailures.add("all");
  }
}

function minutesUntil(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
