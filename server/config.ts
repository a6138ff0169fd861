import path from "node:path";
import { z } from "zod";

/** Every setting the server reads, with its default; README's configuration table mirrors this. */
export const configSchema = z.object({
  /** NODE_ENV=production: the server refuses to start with anything meant for development or demos (productionProblems). */
  production: z.coerce.boolean().default(false),
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where the embedded database, attachments and generated keys live. */
  dataDir: z.string().default(path.resolve("data")),
  /** A PostgreSQL server; when empty the embedded PostgreSQL (PGlite) in dataDir is used. */
  databaseUrl: z.string().default(""),
  /** Run the embedded database in memory (tests). */
  embeddedInMemory: z.coerce.boolean().default(false),
  /** 32-byte secrets, base64. Generated into dataDir on first start when not given. */
  /** "id:base64key[,id:base64key…]"; the first encrypts, all decrypt (key rotation). Generated into dataDir when empty. */
  dataKeys: z.string().default(""),
  lookupKey: z.string().default(""),
  tokenSecret: z.string().default(""),
  tokenTtlSeconds: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** "dev" accepts any code locally; "wechat" calls WeChat's code2session. */
  wechatProvider: z.enum(["dev", "wechat"]).default("dev"),
  wechatAppId: z.string().default(""),
  wechatAppSecret: z.string().default(""),
  wechatApiBase: z.string().url().default("https://api.weixin.qq.com"),
  /** The official account (服务号) whose web log-in (OAuth, snsapi_base) the status page uses inside WeChat; empty: no web log-in. */
  wechatWebAppId: z.string().default(""),
  wechatWebAppSecret: z.string().default(""),
  /** Where WeChat's OAuth page is (the status page sends residents there); a test points it at a stand-in. */
  wechatOAuthBase: z.string().url().default("https://open.weixin.qq.com"),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** Load the demo county into an empty database; "auto" does so on the embedded database only. */
  seedDemo: z.enum(["auto", "true", "false"]).default("auto"),
  /** Extra holiday calendars (JSON files of {year, holidays, makeupWorkdays}), for years the bundled calendar lacks. */
  calendarFiles: z.string().default(""),
  /** Monitoring income standards by year and region (JSON list); empty: the shipped demo figures. */
  monitoringStandardsFile: z.string().default(""),
  /** Department screening rules (JSON, the shape of server/features/screening-and-leads/screening-rules.json); empty: the shipped file. */
  screeningRulesFile: z.string().default(""),
  /** Data rows a department's screening file may hold (one Excel sheet's worth by default); files are streamed, so this bounds run time, not memory. */
  screeningMaxRows: z.coerce.number().int().positive().default(1_048_576),
  /** Largest department screening file (a million-row CSV is about 60 MB); it is streamed to disk, not held in memory. */
  screeningMaxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** A county's own workflow definitions (JSON, the shape of server/features/workflow/definitions/*.json, with "regionCode"). */
  workflowFiles: z.string().default(""),
  /** Anonymous case look-ups (number + phone digits) allowed per client per minute. */
  lookupRateLimitPerMinute: z.coerce.number().int().positive().default(10),
  /**
   * Requests per client per minute on every route without a stricter limit. A client is the signed-in account when
   * the request carries a valid token (many residents share one carrier address), else its address (an IPv6 /64).
   */
  rateLimitPerMinute: z.coerce.number().int().positive().default(300),
  /** Log-ins (password or WeChat code) per client address per minute. */
  loginRateLimitPerMinute: z.coerce.number().int().positive().default(30),
  /** Failed log-ins per client address within 15 minutes, whatever the user names, after which its log-ins wait out the window. */
  loginFailuresPerClient: z.coerce.number().int().positive().default(20),
  /** Reports and applications filed per account per minute. */
  intakeRateLimitPerMinute: z.coerce.number().int().positive().default(10),
  /** File uploads (attachments, screening files) per account per minute. */
  uploadRateLimitPerMinute: z.coerce.number().int().positive().default(20),
  /** Publicity objections per resident per hour. */
  objectionRateLimitPerHour: z.coerce.number().int().positive().default(10),
  /** Messages the bot relays per WeChat sender per minute; later ones get one polite reply and are not read. */
  botSenderMessagesPerMinute: z.coerce.number().int().positive().default(20),
  /** Wrong "绑定 <code>" attempts per WeChat sender per hour, and by all senders together per hour (a 6-digit code is guessable). */
  bindingFailuresPerSender: z.coerce.number().int().positive().default(5),
  bindingFailuresPerHour: z.coerce.number().int().positive().default(100),
  /** Attachments one case may hold (at least the 9 a submission may carry), and one account may upload in 24 hours. */
  maxAttachmentsPerCase: z.coerce.number().int().min(9).default(30),
  maxUploadsPerDay: z.coerce.number().int().positive().default(200),
  /** Largest photo accepted, in pixels (decoding a huge image would take the memory of many requests). */
  maxImagePixels: z.coerce.number().int().positive().default(50_000_000),
  /** How deeply a JSON body may nest objects and arrays. */
  jsonMaxDepth: z.coerce.number().int().positive().default(20),
  /** Origins (comma-separated, e.g. "https://console.example.gov.cn") whose pages may call the API; empty: same origin only, no CORS headers. */
  consoleOrigins: z.string().default(""),
  /** Strict-Transport-Security max-age when the server is reached over HTTPS; 0 sends no HSTS header. */
  hstsMaxAgeSeconds: z.coerce.number().int().min(0).default(0),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits key on it). Off by default, since a client could forge it. */
  trustProxy: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(false),
  /** The WeChat bot's service key (X-Bot-Key); empty turns the bot endpoint off. */
  botKey: z.string().default(""),
  /** How often overdue tasks are escalated; 0 turns the scan off (tests run it by hand). */
  overdueScanSeconds: z.coerce.number().int().min(0).default(60),
  /** How often desks are reminded of tasks due within a working day and of publicity lists come down; 0 turns it off. */
  reminderScanSeconds: z.coerce.number().int().min(0).default(300),
  /** How often notices of changes whose instance stopped before storing their pushes are taken up (PendingNotice); 0 turns it off. */
  noticeScanSeconds: z.coerce.number().int().min(0).default(60),
  /** How often the bot's conversations left half-way for 30 minutes are ended and the sender told (with BOT_KEY); 0 turns it off. */
  conversationScanSeconds: z.coerce.number().int().min(0).default(60),
  /** A scheduled job still running after this long is taken for lost (its instance died) and run again by another instance. */
  jobTimeoutSeconds: z.coerce.number().int().min(2).max(3600).default(300),
  /** China time during which the bot sends nobody anything on its own ("off" for none). */
  botQuietHours: z.string().default("21:00-08:00"),
  /** At most one bot push per person per this many seconds; later ones wait (and merge per case). */
  botPushIntervalSeconds: z.coerce.number().int().min(0).default(600),
  /** How often held pushes are looked at (quiet hours over, a bot reconnected); 0 turns the timer off. */
  botPushScanSeconds: z.coerce.number().int().min(0).default(30),
  /** The web chat simulator at /simulator (the real bot on a mock WeChat); "auto" serves it on the embedded database only, when BOT_KEY is set. */
  simulator: z.enum(["auto", "true", "false"]).default("auto"),
  /** Years after a closed, rejected or withdrawn case's last event before the applicant's personal data is erased (case numbers, events and figures stay); 0 keeps it. */
  retentionYears: z.coerce.number().int().min(0).default(5),
  /** Days the bot's replay record of its answers, delivered pushes and idle conversations are kept. */
  retentionTransientDays: z.coerce.number().int().min(1).default(30),
  /** Days a department's screening file (ID numbers in clear) is kept after its upload; the import's results stay. 0 keeps it. */
  screeningFileRetentionDays: z.coerce.number().int().min(0).default(90),
  /** Days the staff-access log is kept: at least six months (the database refuses to delete younger entries). */
  accessLogRetentionDays: z.coerce.number().int().min(183).default(1095),
  /** How often the retention policy is applied; 0 turns the timer off (`npm run data:retention` applies it by hand). */
  retentionScanHours: z.coerce.number().int().min(0).max(576).default(24),
  /** How often deadlines are counted again and a missing holiday arrangement is warned of in the log (0: never). */
  calendarCheckHours: z.coerce.number().int().min(0).max(576).default(24),
  /** An S3-compatible bucket for the files (photos, voice notes, PDFs, screening files), shared by every instance; empty: DATA_DIR. */
  s3Bucket: z.string().default(""),
  /** The object store's address (MinIO, Ceph, OSS, COS…); empty: AWS's own for the region. */
  s3Endpoint: z.string().default(""),
  s3Region: z.string().default("us-east-1"),
  /** Empty: the AWS SDK's own credential chain (AWS_ACCESS_KEY_ID…, an instance role). */
  s3AccessKeyId: z.string().default(""),
  s3SecretAccessKey: z.string().default(""),
  /** The bucket in the path (most self-hosted stores) instead of the host name. */
  s3ForcePathStyle: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(false),
  /** Put before every key, so that several installations can share a bucket. */
  s3Prefix: z
    .string()
    .regex(/^$|^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/, "folder names of letters, digits, . _ - separated by /")
    .default(""),
});

export type AppConfig = z.infer<typeof configSchema>;

// NODE_ENV sets `production` (loadConfig); every other setting has its variable.
const envNames: Record<Exclude<keyof AppConfig, "production">, string> = {
  host: "HOST",
  port: "PORT",
  dataDir: "DATA_DIR",
  databaseUrl: "DATABASE_URL",
  embeddedInMemory: "EMBEDDED_IN_MEMORY",
  dataKeys: "DATA_KEYS",
  lookupKey: "LOOKUP_KEY",
  tokenSecret: "TOKEN_SECRET",
  tokenTtlSeconds: "TOKEN_TTL_SECONDS",
  logLevel: "LOG_LEVEL",
  wechatProvider: "WECHAT_PROVIDER",
  wechatAppId: "WECHAT_APP_ID",
  wechatAppSecret: "WECHAT_APP_SECRET",
  wechatApiBase: "WECHAT_API_BASE",
  wechatWebAppId: "WECHAT_WEB_APP_ID",
  wechatWebAppSecret: "WECHAT_WEB_APP_SECRET",
  wechatOAuthBase: "WECHAT_OAUTH_BASE",
  maxUploadBytes: "MAX_UPLOAD_BYTES",
  bodyLimitBytes: "BODY_LIMIT_BYTES",
  seedDemo: "SEED_DEMO",
  calendarFiles: "CALENDAR_FILES",
  workflowFiles: "WORKFLOW_FILES",
  monitoringStandardsFile: "MONITORING_STANDARDS_FILE",
  screeningRulesFile: "SCREENING_RULES_FILE",
  screeningMaxRows: "SCREENING_MAX_ROWS",
  screeningMaxUploadBytes: "SCREENING_MAX_UPLOAD_BYTES",
  lookupRateLimitPerMinute: "LOOKUP_RATE_LIMIT_PER_MINUTE",
  rateLimitPerMinute: "RATE_LIMIT_PER_MINUTE",
  loginRateLimitPerMinute: "LOGIN_RATE_LIMIT_PER_MINUTE",
  loginFailuresPerClient: "LOGIN_FAILURES_PER_CLIENT",
  intakeRateLimitPerMinute: "INTAKE_RATE_LIMIT_PER_MINUTE",
  uploadRateLimitPerMinute: "UPLOAD_RATE_LIMIT_PER_MINUTE",
  objectionRateLimitPerHour: "OBJECTION_RATE_LIMIT_PER_HOUR",
  botSenderMessagesPerMinute: "BOT_SENDER_MESSAGES_PER_MINUTE",
  bindingFailuresPerSender: "BINDING_FAILURES_PER_SENDER",
  bindingFailuresPerHour: "BINDING_FAILURES_PER_HOUR",
  maxAttachmentsPerCase: "MAX_ATTACHMENTS_PER_CASE",
  maxUploadsPerDay: "MAX_UPLOADS_PER_DAY",
  maxImagePixels: "MAX_IMAGE_PIXELS",
  jsonMaxDepth: "JSON_MAX_DEPTH",
  consoleOrigins: "CONSOLE_ORIGINS",
  hstsMaxAgeSeconds: "HSTS_MAX_AGE_SECONDS",
  overdueScanSeconds: "OVERDUE_SCAN_SECONDS",
  reminderScanSeconds: "REMINDER_SCAN_SECONDS",
  conversationScanSeconds: "CONVERSATION_SCAN_SECONDS",
  noticeScanSeconds: "NOTICE_SCAN_SECONDS",
  jobTimeoutSeconds: "JOB_TIMEOUT_SECONDS",
  trustProxy: "TRUST_PROXY",
  botKey: "BOT_KEY",
  botQuietHours: "BOT_QUIET_HOURS",
  botPushIntervalSeconds: "BOT_PUSH_INTERVAL_SECONDS",
  botPushScanSeconds: "BOT_PUSH_SCAN_SECONDS",
  simulator: "SIMULATOR",
  retentionYears: "RETENTION_YEARS",
  retentionTransientDays: "RETENTION_TRANSIENT_DAYS",
  screeningFileRetentionDays: "SCREENING_FILE_RETENTION_DAYS",
  accessLogRetentionDays: "ACCESS_LOG_RETENTION_DAYS",
  retentionScanHours: "RETENTION_SCAN_HOURS",
  calendarCheckHours: "CALENDAR_CHECK_HOURS",
  s3Bucket: "S3_BUCKET",
  s3Endpoint: "S3_ENDPOINT",
  s3Region: "S3_REGION",
  s3AccessKeyId: "S3_ACCESS_KEY_ID",
  s3SecretAccessKey: "S3_SECRET_ACCESS_KEY",
  s3ForcePathStyle: "S3_FORCE_PATH_STYLE",
  s3Prefix: "S3_PREFIX",
};

/**
 * Whether /simulator is served. The simulator's bot authenticates with BOT_KEY, so "true" without a
 * key is refused at start-up rather than serving a page that cannot answer; "auto" follows the demo
 * (embedded database, like SEED_DEMO=auto) and stays off without a key instead of failing.
 */
export function simulatorEnabled(config: Pick<AppConfig, "simulator" | "databaseUrl" | "botKey">): boolean {
  if (config.simulator === "false") return false;
  if (config.simulator === "true") {
    if (!config.botKey)
      throw new Error("SIMULATOR=true needs BOT_KEY: the simulator runs the WeChat bot, which authenticates to the server with that key");
    return true;
  }
  return !config.databaseUrl && !!config.botKey;
}

/** Keys at least this long (base64 of 32 bytes is 44 characters; shorter ones are typed in, not generated). */
const minKeyLength = 43;

/**
 * What stops a production start (NODE_ENV=production), each with the setting to change: anything that lets
 * someone in without a real WeChat account or a real password, and keys the server would make up itself
 * (an instance that generates its own keys writes data no other instance can read, and loses it with its disk).
 */
export function productionProblems(config: AppConfig): string[] {
  if (!config.production) return [];
  const problems: string[] = [];
  if (config.wechatProvider !== "wechat")
    problems.push(
      "WECHAT_PROVIDER=dev lets anyone log in as a resident with a made-up code: set WECHAT_PROVIDER=wechat with WECHAT_APP_ID and WECHAT_APP_SECRET",
    );
  else if (!config.wechatAppId || !config.wechatAppSecret)
    problems.push("WECHAT_PROVIDER=wechat needs WECHAT_APP_ID and WECHAT_APP_SECRET");
  if (config.seedDemo !== "false")
    problems.push(`SEED_DEMO=${config.seedDemo} would load the demo county and its demo passwords: set SEED_DEMO=false`);
  if (config.simulator !== "false") problems.push(`SIMULATOR=${config.simulator} serves the public chat simulator: set SIMULATOR=false`);
  const dataKeys = config.dataKeys.split(",").map((part) => part.slice(part.indexOf(":") + 1).trim());
  if (!config.dataKeys || dataKeys.some((key) => key.length < minKeyLength))
    problems.push("DATA_KEYS must be given (id:base64key, 32 random bytes each: openssl rand -base64 32), not generated on this machine");
  if (config.lookupKey.split(",").some((key) => key.trim().length < minKeyLength))
    problems.push("LOOKUP_KEY must be given (32 random bytes, base64), not generated on this machine");
  if (config.tokenSecret.length < minKeyLength)
    problems.push("TOKEN_SECRET must be given (32 random bytes, base64), not generated on this machine");
  return problems;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const raw: Record<string, unknown> = {};
  if (env.NODE_ENV === "production") raw.production = true;
  for (const [key, name] of Object.entries(envNames)) {
    const value = env[name];
    if (value !== undefined && value !== "") raw[key] = key === "embeddedInMemory" ? value === "true" || value === "1" : value;
  }
  return configSchema.parse({ ...raw, ...overrides });
}

/** A production start refused, with every setting to change. */
export class ProductionConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Refusing to start in production mode (NODE_ENV=production):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ProductionConfigError";
  }
}
