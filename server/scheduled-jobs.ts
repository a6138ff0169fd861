import type { AppConfig } from "./config.ts";
import type { BotPushService } from "./features/bot/bot-push-service.ts";
import type { ConversationTimeouts } from "./features/bot/conversation-timeouts.ts";
import type { ReminderService } from "./features/workflow/reminder-service.ts";
import { retentionPolicy, type RetentionService } from "./features/personal-data/retention.ts";
import type { ScheduledJob } from "./platform/scheduler/scheduler.ts";
import type { WorkflowService } from "./features/workflow/workflow-service.ts";
import type { CalendarService } from "./features/calendar/calendar-service.ts";

/** The retention policy may walk every decided case: it gets an hour before it is taken for lost. */
const retentionTimeoutSeconds = 3600;

export interface JobServices {
  workflow: Pick<WorkflowService, "escalateOverdue">;
  reminders: Pick<ReminderService, "remindDueTasks" | "announceEndedPublicity">;
  /** Null without the bot (no BOT_KEY): nobody could be told. */
  conversations: Pick<ConversationTimeouts, "run"> | null;
  retention: Pick<RetentionService, "run">;
  pushes: Pick<BotPushService, "storePending">;
  calendars: Pick<CalendarService, "dailyCheck">;
}

/** The server's recurring work as configured; a period of 0 leaves a job out. */
export function scheduledJobs(config: AppConfig, services: JobServices): ScheduledJob[] {
  const timeoutSeconds = config.jobTimeoutSeconds;
  const jobs: ScheduledJob[] = [
    {
      name: "overdue-escalations",
      everySeconds: config.overdueScanSeconds,
      timeoutSeconds,
      run: () => services.workflow.escalateOverdue(),
    },
    { name: "due-reminders", everySeconds: config.reminderScanSeconds, timeoutSeconds, run: () => services.reminders.remindDueTasks() },
    {
      name: "publicity-ends",
      everySeconds: config.reminderScanSeconds,
      timeoutSeconds,
      run: () => services.reminders.announceEndedPublicity(),
    },
    // Changes store their own pushes at once; this takes up the notices of an instance that stopped before it did.
    { name: "pending-notices", everySeconds: config.noticeScanSeconds, timeoutSeconds, run: () => services.pushes.storePending() },
    ...(services.conversations
      ? [
          {
            name: "conversation-timeouts",
            everySeconds: config.conversationScanSeconds,
            timeoutSeconds,
            run: () => services.conversations!.run(),
          },
        ]
      : []),
    // Deadlines counted again and a warning in the log while a needed year's holiday arrangement is missing.
    {
      name: "calendar-check",
      everySeconds: config.calendarCheckHours * 3600,
      timeoutSeconds,
      run: async () => ({ ...(await services.calendars.dailyCheck()) }),
    },
    {
      name: "retention",
      everySeconds: config.retentionScanHours * 3600,
      timeoutSeconds: Math.max(timeoutSeconds, retentionTimeoutSeconds),
      run: async () => ({ ...(await services.retention.run(retentionPolicy(config))) }),
    },
  ];
  return jobs.filter((job) => job.everySeconds > 0);
}
