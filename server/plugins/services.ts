import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { AttachmentService } from "../services/attachment-service.ts";
import type { AuthService } from "../services/auth-service.ts";
import type { CaseViewService } from "../services/case-view-service.ts";
import type { IntakeService } from "../services/intake-service.ts";
import type { Database } from "../db/database.ts";
import type { RegionDirectory } from "../services/region-directory.ts";
import type { WorkflowService } from "../services/workflow-service.ts";
import type { DepartmentService } from "../services/department-service.ts";
import type { BotService } from "../services/bot-service.ts";
import type { BotPushService } from "../services/bot-push-service.ts";
import type { HouseholdDirectory } from "../services/household-directory.ts";
import type { LedgerService } from "../services/ledger-service.ts";
import type { DashboardService } from "../services/dashboard-service.ts";
import type { ScreeningService } from "../services/screening-service.ts";
import type { RiskEventService } from "../services/risk-event-service.ts";
import type { PersonalDataService } from "../services/personal-data-service.ts";
import type { AuditService } from "../services/audit-service.ts";
import type { BackupService } from "../services/backup-service.ts";
import type { ReminderService } from "../services/reminder-service.ts";
import type { ConversationTimeouts } from "../services/conversation-timeouts.ts";
import type { CalendarService } from "../services/calendar-service.ts";

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
  /** Scheduled work (server/services/scheduled-jobs.ts); tests run it by hand on their own clock. */
  reminders: ReminderService;
  conversationTimeouts: ConversationTimeouts;
  calendars: CalendarService;
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
