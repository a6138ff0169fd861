import { shippedMonitoringStandards } from "../../server/features/households/household-assessment.ts";
import { WorkingDayCalendar } from "../../server/core/calendar/working-days.ts";
import { PersonalDataCipher } from "../../server/core/personal-data.ts";
import { resolveSecrets } from "../../server/platform/keys/secrets.ts";
import { CaseNotifier } from "../../server/platform/case-notifier.ts";
import { HouseholdAssessor } from "../../server/features/households/household-assessor.ts";
import { RegionDirectory } from "../../server/platform/region-directory.ts";
import type { ServiceDeps } from "../../server/service-deps.ts";
import { staffPrincipalOf, type StaffPrincipal } from "../../server/core/principal.ts";
import type { TestApp } from "./test-app.ts";

/** Services built by hand on a test app's database, keys and clock, for a test that changes one of their parts. */
export function serviceDepsOf(t: TestApp, overrides: Partial<ServiceDeps> = {}): ServiceDeps {
  const prisma = t.database.db.prisma;
  return {
    prisma,
    sql: t.database.db.sql,
    cipher: new PersonalDataCipher(resolveSecrets(t.config, false)),
    regions: new RegionDirectory(prisma),
    calendar: new WorkingDayCalendar(),
    now: () => new Date(t.clock.now),
    notifier: new CaseNotifier(t.database.db, t.app.log),
    assessor: new HouseholdAssessor(shippedMonitoringStandards),
    ...overrides,
  };
}

/** A demo staff account as the services see its caller. */
export async function staffPrincipal(t: TestApp, username: string): Promise<StaffPrincipal> {
  const account = await t.database.db.prisma.staffAccount.findUniqueOrThrow({ where: { username }, include: { region: true } });
  return staffPrincipalOf(account, account.region.path);
}
