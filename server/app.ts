import fs from "node:fs";
import path from "node:path";
import Fastify, { type FastifyRequest, type RouteOptions } from "fastify";
import fastifyJwt from "@fastify/jwt";
import fastifyMultipart from "@fastify/multipart";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppInstance } from "./app-instance.ts";
import { ProductionConfigError, productionProblems, simulatorEnabled, type AppConfig } from "./config.ts";
import { openDatabase, type Database } from "./platform/database/database.ts";
import { WorkingDayCalendar, yearCalendarSchema } from "./core/calendar/working-days.ts";
import { CalendarService } from "./features/calendar/calendar-service.ts";
import { DeadlineRefresh } from "./features/calendar/deadline-refresh.ts";
import { calendarRoutes } from "./features/calendar/calendar-routes.ts";
import { StaffService } from "./features/staff/staff-service.ts";
import { staffRoutes } from "./features/staff/staff-routes.ts";
import { RegionAdminService } from "./features/regions/region-admin-service.ts";
import { regionAdminRoutes } from "./features/regions/region-admin-routes.ts";
import { maskDigitsInText, PersonalDataCipher } from "./core/personal-data.ts";
import { openFileStore } from "./platform/file-store.ts";
import { validatorCompiler } from "./http/request-validation.ts";
import { resolveSecrets } from "./platform/keys/secrets.ts";
import { checkAndRecordKeys } from "./platform/keys/key-records.ts";
import { accessPlugin, publicAccess, withAccess } from "./http/access.ts";
import { errorHandlerPlugin } from "./http/error-handler.ts";
import { jsonBodyPlugin } from "./http/json-body.ts";
import { rateLimitsPlugin } from "./http/rate-limits.ts";
import { declareCorsPreflight, securityHeadersPlugin } from "./http/security-headers.ts";
import { localePlugin } from "./http/locale.ts";
import { servicesPlugin } from "./app-services.ts";
import { attachmentRoutes } from "./features/attachments/attachment-routes.ts";
import { authRoutes } from "./features/auth/auth-routes.ts";
import { caseRoutes } from "./features/cases/case-routes.ts";
import { healthRoutes } from "./features/operations/health-routes.ts";
import { regionRoutes } from "./features/regions/region-routes.ts";
import { demoCountyCode, seedDemo } from "./demo/demo-county.ts";
import { AttachmentService } from "./features/attachments/attachment-service.ts";
import { AuthService } from "./features/auth/auth-service.ts";
import { LoginGuard } from "./features/auth/login-guard.ts";
import { SharedCounters } from "./platform/counters/shared-counters.ts";
import { CaseNotifier } from "./platform/case-notifier.ts";
import { HouseholdAssessor } from "./features/households/household-assessor.ts";
import { monitoringStandardsFileSchema, shippedMonitoringStandards } from "./features/households/household-assessment.ts";
import { CaseViewService } from "./features/cases/case-view-service.ts";
import { IntakeService } from "./features/cases/intake-service.ts";
import { RegionDirectory } from "./platform/region-directory.ts";
import { WorkflowRegistry, loadDefinitionFiles } from "./features/workflow/workflow-registry.ts";
import { WorkflowService } from "./features/workflow/workflow-service.ts";
import { taskRoutes } from "./features/workflow/task-routes.ts";
import { departmentRoutes } from "./features/workflow/department-routes.ts";
import { publicityRoutes } from "./features/workflow/publicity-routes.ts";
import { botRoutes } from "./features/bot/bot-routes.ts";
import { householdRoutes } from "./features/households/household-routes.ts";
import { ledgerRoutes } from "./features/dashboard-and-ledgers/ledger-routes.ts";
import { LedgerService } from "./features/dashboard-and-ledgers/ledger-service.ts";
import { dashboardRoutes } from "./features/dashboard-and-ledgers/dashboard-routes.ts";
import { DashboardService } from "./features/dashboard-and-ledgers/dashboard-service.ts";
import { LeadService } from "./features/screening-and-leads/lead-service.ts";
import { ScreeningService } from "./features/screening-and-leads/screening-service.ts";
import { RiskEventService } from "./features/screening-and-leads/risk-event-service.ts";
import { screeningRulesFileSchema, shippedScreeningRules } from "./features/screening-and-leads/screening.ts";
import { screeningRoutes } from "./features/screening-and-leads/screening-routes.ts";
import { riskEventRoutes } from "./features/screening-and-leads/risk-event-routes.ts";
import { CaseSupplements } from "./features/cases/case-supplements.ts";
import { BotService } from "./features/bot/bot-service.ts";
import { BotPushService } from "./features/bot/bot-push-service.ts";
import { HouseholdDirectory } from "./features/households/household-directory.ts";
import { parseQuietHours } from "./features/bot/push-schedule.ts";
import { DepartmentService } from "./features/workflow/department-service.ts";
import { realtimeRoutes } from "./features/realtime/realtime-routes.ts";
import { consoleRoutes } from "./features/console/console-routes.ts";
import { personalDataRoutes } from "./features/personal-data/personal-data-routes.ts";
import { auditRoutes } from "./features/personal-data/audit-routes.ts";
import { backupRoutes } from "./features/operations/backup-routes.ts";
import { BackupService } from "./features/operations/backup-service.ts";
import { PersonalDataService } from "./features/personal-data/personal-data-service.ts";
import { AuditService } from "./features/personal-data/audit-service.ts";
import { RetentionService } from "./features/personal-data/retention.ts";
import { ConversationTimeouts } from "./features/bot/conversation-timeouts.ts";
import { ReminderService } from "./features/workflow/reminder-service.ts";
import { scheduledJobs } from "./scheduled-jobs.ts";
import { Scheduler } from "./platform/scheduler/scheduler.ts";
import { JobRunner } from "./platform/jobs/job-runner.ts";
import { HouseholdImportService } from "./features/households/household-import-service.ts";
import { householdImportRoutes } from "./features/households/household-import-routes.ts";
import { JobService } from "./features/jobs/job-service.ts";
import { jobRoutes } from "./features/jobs/job-routes.ts";
import { MonitoringStandardsService } from "./features/monitoring-standards/monitoring-standards-service.ts";
import { monitoringStandardRoutes } from "./features/monitoring-standards/monitoring-standard-routes.ts";
import { WorkflowAdminService } from "./features/workflow/workflow-admin-service.ts";
import { workflowAdminRoutes } from "./features/workflow/workflow-admin-routes.ts";
import { simulatorMaxFrameBytes } from "./features/bot/simulator-schemas.ts";
import type { ServiceDeps } from "./service-deps.ts";
import { DevelopmentCodeExchange, WechatApiCodeExchange, type WechatCodeExchange } from "./platform/wechat-code-exchange.ts";

declare module "fastify" {
  interface FastifyInstance {
    config: AppConfig;
  }
}

export interface BuildOptions {
  /** The clock every deadline is computed from; tests move it. */
  now?: () => Date;
  wechat?: WechatCodeExchange;
  /** An already opened database (tests share one per file); closed by the caller. */
  database?: Database;
  /** Told of every route as it is registered (tests enumerate the routes and their schemas). */
  onRoute?: (route: RouteOptions) => void;
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: { write(line: string): void };
}

/** Personal data that must never reach a log line. */
const redactPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.phone",
  "*.idNumber",
  "*.password",
  "*.token",
  "*.contactPhoneEnc",
  "*.idNumberEnc",
  "*.accountNumber",
  "*.bankAccount",
  "*.bankAccountEnc",
  "*.applicantIdNumberEnc",
  "*.declaredHouseholdEnc",
];

/** Fastify's request line, with ID numbers, phones and account numbers in the address masked: staff search by them. */
function requestLogLine(request: FastifyRequest) {
  return {
    method: request.method,
    url: maskDigitsInText(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** An error as logged: a database error's message may quote the value it choked on. */
function errorLogLine(error: Error & { code?: unknown; statusCode?: unknown }) {
  return {
    type: error.name,
    message: maskDigitsInText(String(error.message)),
    stack: maskDigitsInText(String(error.stack)),
    code: error.code,
    statusCode: error.statusCode,
  };
}

export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<AppInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: redactPaths, censor: "[redacted]" },
      serializers: { req: requestLogLine, err: errorLogLine },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate("config", config);
  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  app.addHook("onRoute", declareCorsPreflight);
  // Before any plugin that adds routes, so that every route's access declaration is checked and gated.
  await app.register(accessPlugin);

  // Decided before anything opens: a production start with development settings, or SIMULATOR=true without
  // BOT_KEY, stops here.
  const problems = productionProblems(config);
  if (problems.length > 0) throw new ProductionConfigError(problems);
  const simulator = simulatorEnabled(config);
  const embedded = !config.databaseUrl;
  const persistent = !(embedded && config.embeddedInMemory);
  const db =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      embeddedDir: embedded && !config.embeddedInMemory ? path.join(config.dataDir, "pglite") : undefined,
      onConnectionError: (err) => app.log.warn({ err }, "a database connection was closed by the server"),
    }));
  if (!options.database) app.addHook("onClose", () => db.close());
  const migrations = await db.migrate();
  if (migrations.applied.length > 0) app.log.info({ applied: migrations.applied }, "database migrations applied");

  if (config.production && (await db.prisma.region.count({ where: { code: demoCountyCode } })) > 0)
    throw new ProductionConfigError([
      "this database holds the demo county, with its demo staff and passwords: start production on a new database",
    ]);
  const secrets = resolveSecrets(config, persistent);
  await checkAndRecordKeys(db.prisma, { dataKeys: secrets.dataKeys, lookupKeys: secrets.lookupKey.split(",") });
  // DATA_DIR, or the bucket every instance shares (S3_BUCKET): a bucket that cannot be reached stops the start.
  const files = await openFileStore(config);
  app.addHook("onClose", async () => files.close());
  const configuredStandards = config.monitoringStandardsFile
    ? monitoringStandardsFileSchema.parse(JSON.parse(fs.readFileSync(config.monitoringStandardsFile, "utf8")))
    : shippedMonitoringStandards;
  const deps: ServiceDeps = {
    prisma: db.prisma,
    sql: db.sql,
    cipher: new PersonalDataCipher(secrets),
    regions: new RegionDirectory(db.prisma),
    // The bundled years and the holiday law until the loaded arrangements are read (calendars.start below).
    calendar: new WorkingDayCalendar(),
    now: options.now ?? (() => new Date()),
    notifier: new CaseNotifier(db, app.log),
    assessor: new HouseholdAssessor(configuredStandards),
  };
  // Log-in guesses, binding codes, the bot's senders and the stricter route limits, counted by every instance together.
  const counters = new SharedCounters(db.sql);
  const registry = new WorkflowRegistry(db.prisma);
  await registry.register(
    loadDefinitionFiles(splitList(config.workflowFiles), (file, message) =>
      app.log.error({ file, problem: message }, "a workflow definition file cannot be read; left out, the default applies"),
    ),
  );
  // Definitions put in force from the console; one that no longer reads is left out, never stopping the start.
  const workflowProblem = (problem: { key: string; regionCode: string; message: string }) =>
    app.log.error(problem, "a workflow definition put in force from the console no longer reads; the file's or the default applies");
  await registry.loadUploads(workflowProblem);
  const workflow = new WorkflowService(deps, registry);
  const intake = new IntakeService(deps, workflow);
  const caseViews = new CaseViewService(deps);
  // Validated at start-up: a broken rules file stops the start, not the first import.
  const screeningRules = config.screeningRulesFile
    ? screeningRulesFileSchema.parse(JSON.parse(fs.readFileSync(config.screeningRulesFile, "utf8")))
    : shippedScreeningRules;
  const leads = new LeadService(deps, workflow);
  // The official arrangements loaded by administrators are in force before any deadline is counted.
  const calendars = new CalendarService(deps, new DeadlineRefresh(deps, registry), app.log);
  await calendars.start(loadCalendarFiles(config.calendarFiles));
  // The income standards in force: the shipped or configured file with the administrators' changes over it.
  const monitoringStandards = new MonitoringStandardsService(deps, configuredStandards);
  await monitoringStandards.reload();
  const stopHearingCalendars = deps.notifier.subscribe((event) => {
    if (event.kind === "standards.changed" || event.kind === "resync")
      monitoringStandards.reload().catch((err: unknown) => app.log.error({ err }, "the monitoring standards could not be read again"));
    if (event.kind === "workflows.changed" || event.kind === "resync")
      registry
        .loadUploads(workflowProblem)
        .catch((err: unknown) => app.log.error({ err }, "the workflow definitions could not be read again"));
    // Another instance imported, renamed or merged places.
    if (event.kind === "regions.changed" || event.kind === "resync") deps.regions.invalidate();
    if (event.kind === "calendar.changed" || event.kind === "resync")
      calendars.reload().catch((err: unknown) => app.log.error({ err }, "the holiday arrangements could not be read again"));
  });
  app.addHook("onClose", async () => stopHearingCalendars());

  if (config.seedDemo === "true" || (config.seedDemo === "auto" && embedded)) {
    // The demo's history is replayed through the real services on a clock set back to when it happened.
    const servicesAt = (at: Date) => {
      const past = { ...deps, now: () => at };
      const pastWorkflow = new WorkflowService(past, registry);
      return { intake: new IntakeService(past, pastWorkflow), workflow: pastWorkflow };
    };
    if (await seedDemo(deps, servicesAt)) app.log.info("demo county loaded");
  }

  // External plugins first, then the app's own, then the routes.
  await app.register(securityHeadersPlugin);
  await app.register(rateLimitsPlugin, { counters, now: deps.now });
  await app.register(jsonBodyPlugin);
  await app.register(fastifyJwt, { secret: secrets.tokenSecret, sign: { expiresIn: config.tokenTtlSeconds } });
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "防返贫监测与社会救助申报 API",
        description: "Citizen application channel: intake, status, review queues.",
        version: "0.1.0",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The docs page runs Swagger UI's own scripts and inline styles; nothing from elsewhere.
  // The API docs are public; Swagger UI's routes take no options of ours, so they are declared here as one.
  await app.register(
    withAccess(publicAccess, fastifySwaggerUi, {
      routePrefix: "/docs",
      staticCSP:
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    }),
  );
  // One limit for every socket: the simulator's file messages need more than /ws ever does.
  app.addHook("onRoute", answerPlainRequestsToSockets);
  await app.register(fastifyWebsocket, { options: { maxPayload: simulator ? simulatorMaxFrameBytes : 16 * 1024 } });

  const wechat =
    options.wechat ??
    (config.wechatProvider === "wechat"
      ? new WechatApiCodeExchange({
          appId: config.wechatAppId,
          appSecret: config.wechatAppSecret,
          apiBase: config.wechatApiBase,
          ...(config.wechatWebAppId ? { web: { appId: config.wechatWebAppId, appSecret: config.wechatWebAppSecret } } : {}),
        })
      : new DevelopmentCodeExchange());
  const tokens = {
    sign: (claims: Parameters<typeof app.jwt.sign>[0]) => {
      const token = app.jwt.sign(claims);
      return { token, expiresAt: new Date(Date.now() + config.tokenTtlSeconds * 1000) };
    },
  };
  const loginGuard = new LoginGuard(
    {
      failuresPerClient: config.loginFailuresPerClient,
      bindingFailuresPerSender: config.bindingFailuresPerSender,
      bindingFailuresPerHour: config.bindingFailuresPerHour,
    },
    counters,
    deps.now,
  );
  const auth = new AuthService(deps, tokens, wechat, loginGuard);
  const attachments = new AttachmentService(deps, files, {
    maxUploadsPerDay: config.maxUploadsPerDay,
    maxAttachmentsPerCase: config.maxAttachmentsPerCase,
    maxImagePixels: config.maxImagePixels,
  });
  const households = new HouseholdDirectory(deps);
  // Deadlines missing or counted on a provisional year that has since been loaded are counted again.
  const recount = await calendars.refreshDeadlines();
  if (recount.changed > 0) app.log.info(recount, "open deadlines counted again on the calendars in force");
  calendars.warnIfMissing();
  // Listening starts after the demo is loaded (nobody could hear its history) and stops after the last push is stored.
  await deps.notifier.start();
  app.addHook("onClose", async () => deps.notifier.stop());
  const botPushes = new BotPushService(
    deps,
    { quietHours: parseQuietHours(config.botQuietHours), minIntervalMs: config.botPushIntervalSeconds * 1000, redeliverAfterMs: 120_000 },
    (err) => app.log.error({ err }, "bot push failed"),
  );
  app.addHook("onClose", async () => botPushes.settled());
  const stopListening = botPushes.listen(deps.notifier);
  app.addHook("onClose", async () => stopListening());
  const reminders = new ReminderService(deps);
  const conversationTimeouts = new ConversationTimeouts(deps, botPushes);
  // Long work in the background (household imports), on the job queue the scheduler keeps in the database.
  const scratchDir = path.join(config.dataDir, "tmp");
  const jobRunner = new JobRunner(db, db.prisma, app.log, { onChange: (change) => deps.notifier.jobChanged(change) });
  const householdImports = new HouseholdImportService(deps, files, jobRunner, scratchDir, config.screeningMaxRows);
  jobRunner.register(householdImports.jobKind());
  app.addHook("onReady", async () => jobRunner.start());
  app.addHook("onClose", async () => jobRunner.stop());
  await app.register(servicesPlugin, {
    db,
    regions: deps.regions,
    auth,
    intake,
    workflow,
    departments: new DepartmentService(deps),
    bot: new BotService(
      deps,
      { intake, caseViews, workflow, attachments, auth, households, counters, supplements: new CaseSupplements(deps) },
      { messagesPerMinute: config.botSenderMessagesPerMinute },
    ),
    botPushes,
    households,
    ledgers: new LedgerService(deps),
    dashboard: new DashboardService(deps),
    caseViews,
    attachments,
    screening: new ScreeningService(deps, leads, screeningRules, files, scratchDir, config.screeningMaxRows),
    householdImports,
    jobs: new JobService(deps, jobRunner),
    monitoringStandards,
    workflowAdmin: new WorkflowAdminService(deps, registry),
    riskEvents: new RiskEventService(deps, leads),
    personalData: new PersonalDataService(deps, caseViews),
    audit: new AuditService(deps),
    backup: new BackupService(db, files, { dataKeys: secrets.dataKeys, lookupKeys: secrets.lookupKey.split(",") }, deps.now),
    reminders,
    conversationTimeouts,
    calendars,
    staff: new StaffService(deps),
    regionAdmin: new RegionAdminService(deps),
  });
  await app.register(localePlugin);
  await app.register(errorHandlerPlugin);

  // Recurring work, once per period across all instances (a job queue in the database), once the app is ready.
  const jobs = scheduledJobs(config, {
    workflow,
    reminders,
    conversations: config.botKey ? conversationTimeouts : null,
    retention: new RetentionService(deps, files),
    pushes: botPushes,
    calendars,
  });
  if (jobs.length > 0) {
    const scheduler = new Scheduler(db, jobs, app.log);
    app.addHook("onReady", async () => scheduler.start());
    app.addHook("onClose", async () => scheduler.stop());
  }

  // Per instance, not a scheduled job: a pump offers pushes to the bots connected to its own instance only.
  if (config.botPushScanSeconds > 0 && config.botKey) {
    const timer = setInterval(() => {
      botPushes.pump().catch((err: unknown) => app.log.error({ err }, "bot push scan failed"));
    }, config.botPushScanSeconds * 1000);
    timer.unref();
    app.addHook("onClose", async () => clearInterval(timer));
  }

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(regionRoutes);
  await app.register(calendarRoutes);
  await app.register(staffRoutes);
  await app.register(regionAdminRoutes);
  await app.register(caseRoutes);
  await app.register(attachmentRoutes);
  await app.register(taskRoutes);
  await app.register(departmentRoutes);
  await app.register(publicityRoutes);
  await app.register(householdRoutes);
  await app.register(householdImportRoutes);
  await app.register(jobRoutes);
  await app.register(monitoringStandardRoutes);
  await app.register(workflowAdminRoutes);
  await app.register(ledgerRoutes);
  await app.register(dashboardRoutes);
  await app.register(screeningRoutes);
  await app.register(riskEventRoutes);
  await app.register(botRoutes);
  await app.register(personalDataRoutes);
  await app.register(auditRoutes);
  await app.register(backupRoutes);
  await app.register(realtimeRoutes, { notifier: deps.notifier });
  // Imported only when on: it brings Wechaty and its mock puppet (~50 MB), which a production server does not need.
  if (simulator) await app.register((await import("./features/bot/simulator-routes.ts")).simulatorRoutes);
  await app.register(consoleRoutes, {
    simulator,
    wechatWebLogin:
      config.wechatProvider === "wechat" && config.wechatWebAppId
        ? { appId: config.wechatWebAppId, authorizeUrl: new URL("/connect/oauth2/authorize", config.wechatOAuthBase).href }
        : null,
  });
  return app;
}

/**
 * A socket route (`websocket: true`) answers a plain HTTP request with the
 * ordinary, localized 404 rather than the WebSocket plugin's empty one. Runs
 * before the plugin's own onRoute hook, which then keeps this handler.
 */
function answerPlainRequestsToSockets(route: RouteOptions): void {
  if (!route.websocket || route.wsHandler) return;
  route.wsHandler = route.handler as unknown as NonNullable<RouteOptions["wsHandler"]>;
  route.handler = (_request, reply) => reply.callNotFound();
  route.websocket = false;
}

function splitList(list: string): string[] {
  return list
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function loadCalendarFiles(list: string) {
  return splitList(list).map((file) => yearCalendarSchema.parse(JSON.parse(fs.readFileSync(file, "utf8"))));
}
