import type { z } from "zod";
import type { staffLoginResponseSchema } from "../../server/features/auth/auth-schemas.ts";

export type StaffSession = z.output<typeof staffLoginResponseSchema>;

const key = "fanpin.console.session";

/**
 * The log-in lives in this tab's sessionStorage: closing the tab logs out, and
 * a shared office computer does not keep anyone's token across browser restarts.
 */
export const session = {
  get(): StaffSession | null {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const saved = JSON.parse(raw) as StaffSession;
    return new Date(saved.expiresAt) > new Date() ? saved : null;
  },
  set(value: StaffSession): void {
    sessionStorage.setItem(key, JSON.stringify(value));
  },
  clear(): void {
    sessionStorage.removeItem(key);
  },
};
