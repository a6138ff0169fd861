import type { Database, PrismaClient } from "./platform/database/database.ts";
import type { WorkingDayCalendar } from "./core/calendar/working-days.ts";
import type { PersonalDataCipher } from "./core/personal-data.ts";
import type { CaseNotifier } from "./platform/case-notifier.ts";
import type { HouseholdAssessor } from "./features/households/household-assessor.ts";
import type { RegionDirectory } from "./platform/region-directory.ts";

/** What every service is built from; assembled once in server/app.ts. */
export interface ServiceDeps {
  prisma: PrismaClient;
  /**
   * One statement straight on the driver, for the busiest requests (Database.sql). Never inside a Prisma
   * transaction: it is not part of it, and on the embedded database it would wait for it to end (a deadlock).
   */
  sql: Database["sql"];
  cipher: PersonalDataCipher;
  regions: RegionDirectory;
  calendar: WorkingDayCalendar;
  now: () => Date;
  notifier: CaseNotifier;
  assessor: HouseholdAssessor;
}
