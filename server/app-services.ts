import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { AttachmentService } from "./features/attachments/attachment-service.ts";
import type { AuthService } from "./features/auth/auth-service.ts";
import type { CaseViewService } from "./features/cases/case-view-service.ts";
import type { IntakeService } from "./features/cases/intake-service.ts";
import type { Database } from "./platform/database/database.ts";
import type { RegionDirectory } from "./platform/region-directory.ts";
import type { WorkflowService } from "./features/workflow/workflow-service.ts";
import type { DepartmentService } from "./features/workflow/department-service.ts";
import type { BotService } from "./features/bot/bot-service.ts";
import type { BotPushService } from "./features/bot/bot-push-service.ts";
import type { HouseholdDirectory } from "./features/households/household-directory.ts";
import type { LedgerService } from "./features/dashboard-and-ledgers/ledger-service.ts";
import type { DashboardService } from "./features/dashboard-and-ledgers/dashboard-service.ts";
import type { ScreeningService } from "./features/screening-and-leads/screening-service.ts";
import type { RiskEventService } from "./features/screening-and-leads/risk-event-service.ts";
import type { PersonalDataService } from "./features/personal-data/personal-data-service.ts";
import type { AuditService } from "./features/personal-data/audit-service.ts";
import type { BackupService } from "./features/operations/backup-service.ts";
import type { ReminderService } from "./features/workflow/reminder-service.ts";
import type { ConversationTimeouts } from "./features/bot/conversation-timeouts.ts";
import type { StaffService } from "./features/staff/staff-service.ts";
import type { RegionAdminService } from "./features/regions/region-admin-service.ts";
import type { CalendarService } from "./features/calendar/calendar-service.ts";
import type { HouseholdImportService } from "./features/households/household-import-service.ts";
import type { JobService } from "./features/jobs/job-service.ts";
import type { MonitoringStandardsService } from "./features/monitoring-standards/monitoring-standards-service.ts";
import type { WorkflowAdminService } from "./features/workflow/workflow-admin-service.ts";

export interface Services {
  db: Database;
  regions: RegionDirectory;
  auth: AuthService;
  intake: IntakeService;
  workflow: WorkflowService;
  departments: DepartmentService;
  bot: BotService;
  botPushes: BotPushService;
  households: HouseholdDirectory;
  ledgers: LedgerService;
  dashboard: DashboardService;
  caseViews: CaseViewService;
  attachments: AttachmentService;
  screening: ScreeningService;
  riskEvents: RiskEventService;
  personalData: PersonalDataService;
  audit: AuditService;
  backup: BackupService;
  /** Scheduled work (server/scheduled-jobs.ts); tests run it by hand on their own clock. */
  reminders: ReminderService;
  conversationTimeouts: ConversationTimeouts;
  calendars: CalendarService;
  staff: StaffService;
  regionAdmin: RegionAdminService;
  householdImports: HouseholdImportService;
  jobs: JobService;
  monitoringStandards: MonitoringStandardsService;
  workflowAdmin: WorkflowAdminService;
}

declare module "fastify" {
  interface FastifyInstance {
    services: Services;
  }
}

/** Makes the services built in server/app.ts reachable from routes as `app.services`. */
export const servicesPlugin = fp(
  async (app: FastifyInstance, services: Services) => {
    app.decorate("services", services);
  },
  { name: "services" },
);
