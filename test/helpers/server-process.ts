import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { configSchema, loadConfig } from "../../server/config.ts";
import { generateKey } from "../../server/core/personal-data.ts";

const root = path.resolve(import.meta.dirname, "../..");

export interface ServerProcessOptions {
  dataDir: string;
  /** A PostgreSQL database; empty: the embedded database in dataDir/pglite. */
  databaseUrl: string;
  /** More environment (BOT_KEY, …). */
  env?: Record<string, string>;
}

/**
 * `npm start`'s entry point (server/main.ts) as a child process, on a fixed
 * port so a client finds it again after a restart: the tests kill it with
 * SIGKILL and start it again on the same data, as a crash and a supervisor would.
 */
export class ServerProcess {
  readonly url: string;
  private child: ChildProcess | null = null;
  private exited: Promise<NodeJS.Signals | number | null> = Promise.resolve(null);
  /** Everything the server wrote, for the failure message. */
  output = "";
  private readonly env: Record<string, string>;

  private constructor(
    readonly port: number,
    options: ServerProcessOptions,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.env = {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl,
      // The same keys on every start (a restart must read what the first run wrote, and accept its tokens).
      DATA_KEYS: `k1:${generateKey()}`,
      LOOKUP_KEY: generateKey(),
      TOKEN_SECRET: generateKey(),
      LOG_LEVEL: "error",
      SEED_DEMO: "true",
      SIMULATOR: "false",
      OVERDUE_SCAN_SECONDS: "0",
      ...generousLimits(),
      ...options.env,
    };
  }

  static async create(options: ServerProcessOptions): Promise<ServerProcess> {
    return new ServerProcess(await freePort(), options);
  }

  /**
   * `count` instances of one deployment on one PostgreSQL database, as behind a load balancer: the same keys
   * (each reads what the others wrote and accepts their log-ins), each its own port and data directory
   * (dataDir/instance-<n>). The first starts alone (it applies the migrations and loads the demo), the others
   * then start together.
   */
  static async startGroup(count: number, options: ServerProcessOptions): Promise<ServerProcess[]> {
    const keys = { DATA_KEYS: `k1:${generateKey()}`, LOOKUP_KEY: generateKey(), TOKEN_SECRET: generateKey() };
    const servers: ServerProcess[] = [];
    for (let n = 1; n <= count; n++)
      servers.push(
        await ServerProcess.create({ ...options, dataDir: path.join(options.dataDir, `instance-${n}`), env: { ...keys, ...options.env } }),
      );
    try {
      await servers[0]!.start();
      await Promise.all(servers.slice(1).map((server) => server.start()));
    } catch (error) {
      await Promise.all(servers.map((server) => server.kill()));
      throw error;
    }
    return servers;
  }

  /** Starts the server and resolves once it answers /health/ready. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout.on("data", (chunk) => (this.output += chunk));
    child.stderr.on("data", (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
    let gone = false;
    void this.exited.then(() => (gone = true));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !gone) {
      const ready = await fetch(`${this.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the server did not start:\n${this.output}`);
  }

  /** Kills the server (SIGKILL: no shutdown of any kind) and resolves when it is gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<NodeJS.Signals | number | null> {
    this.child?.kill(signal);
    return this.exited;
  }

  /** Stops it the way an operator does (SIGTERM: requests finish, the database is closed). */
  async stop(): Promise<void> {
    const result = await this.kill("SIGTERM");
    if (result !== 0) throw new Error(`the server did not stop cleanly (${String(result)}):\n${this.output}`);
  }

  async json<T>(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async residentToken(name: string): Promise<string> {
    const { status, body } = await this.json<{ token: string }>("POST", "/api/auth/wechat/login", undefined, { code: `dev:${name}` });
    if (status !== 200) throw new Error(`resident login failed: ${JSON.stringify(body)}`);
    return body.token;
  }

  async staffToken(username: string): Promise<string> {
    const { status, body } = await this.json<{ token: string }>("POST", "/api/auth/staff/login", undefined, {
      username,
      password: "demo1234",
    });
    if (status !== 200) throw new Error(`staff login failed: ${JSON.stringify(body)}`);
    return body.token;
  }
}

/**
 * Every per-client limit of the configuration set out of reach: the tests are
 * one client sending hundreds of reports a minute. Checked against loadConfig,
 * so a renamed variable fails here rather than as a puzzling 429.
 */
function generousLimits(): Record<string, string> {
  const keys = Object.keys(configSchema.shape).filter((key) => /RateLimit|Per(Minute|Hour|Day|Sender|Client)$/.test(key));
  const env = Object.fromEntries(keys.map((key) => [key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase(), "1000000000"]));
  const config = loadConfig(env) as Record<string, unknown>;
  const missed = keys.filter((key) => config[key] !== 1_000_000_000);
  if (missed.length > 0) throw new Error(`no environment variable reached ${missed.join(", ")}`);
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
