import type { Locale, ResidentClient, StaffRole } from "./vocabulary.ts";

/** Who is calling, as established by server/http/access.ts from the bearer token. */
export type Principal =
  | { kind: "resident"; id: string; client: ResidentClient; locale: Locale }
  | {
      kind: "staff";
      id: string;
      role: StaffRole;
      regionId: string;
      regionPath: string;
      displayName: string;
      department: string | null;
      /** Someone else set the password: the account may do nothing but change it (http/access.ts). */
      mustChangePassword?: boolean;
    };

export type StaffPrincipal = Extract<Principal, { kind: "staff" }>;
export type ResidentPrincipal = Extract<Principal, { kind: "resident" }>;

/** A staff account (and its region's path) as the caller the services see. */
export function staffPrincipalOf(
  account: { id: string; role: StaffRole; regionId: string; displayName: string; department: string | null; mustChangePassword?: boolean },
  regionPath: string,
): StaffPrincipal {
  return {
    kind: "staff",
    id: account.id,
    role: account.role,
    regionId: account.regionId,
    regionPath,
    displayName: account.displayName,
    department: account.department,
    ...(account.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/** What a log-in token says of its bearer: a staff account, or a resident and the app they logged in from. */
export type TokenClaims =
  /** `ver`: the account's session version when the token was issued (a lower one than the account's is refused). */
  { sub: string; typ: "staff"; ver?: number } | { sub: string; typ: "resident"; client: ResidentClient };
