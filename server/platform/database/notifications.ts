import pg from "pg";

/** What a LISTEN hears, and what happens to its connection. */
export interface ListenHandlers {
  message(payload: string): void;
  /** The connection broke; it is being opened again. Notifications sent meanwhile are not delivered. */
  lost(error: Error): void;
  /** Listening again after a loss: whatever depends on the notifications should refresh. */
  reconnected(): void;
}

export interface ServerListenOptions {
  /** First pause before opening the connection again; it doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How often the idle connection is checked with a query: a connection a firewall dropped tells nobody. */
  heartbeatMs?: number;
}

/** Channel names are written into LISTEN's text (it takes no parameters), so only plain identifiers are accepted. */
export function checkChannelName(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid notification channel name: ${channel}`);
  return channel;
}

/** The SQL that sends several notifications in one round trip, in order (unnest keeps the array's order). */
export const notifySql = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

/**
 * LISTEN on a PostgreSQL server through a connection of its own, outside the pool (a pooled connection is
 * handed to other queries, and its LISTEN with it). A broken connection is opened again with growing pauses
 * and LISTENs again; the caller hears of the loss and of the return, since notifications sent in between
 * are gone. Resolves once listening, so a server does not start deaf.
 */
export async function listenOnServer(
  url: string,
  channel: string,
  handlers: ListenHandlers,
  options: ServerListenOptions = {},
): Promise<() => Promise<void>> {
  const retryMs = options.retryMs ?? 200;
  const maxRetryMs = options.maxRetryMs ?? 10_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = retryMs;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<pg.Client> => {
    const next = new pg.Client({
      connectionString: url,
      application_name: "fanpin-listen",
      keepAlive: true,
      query_timeout: 10_000,
      connectionTimeoutMillis: 10_000,
    });
    let established = false;
    const broken = (error: Error) => {
      if (established && client === next) lose(next, error);
    };
    next.on("error", broken);
    next.on("end", () => broken(new Error("the listening connection was closed")));
    next.on("notification", (n) => {
      if (n.channel === channel && n.payload !== undefined) handlers.message(n.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${checkChannelName(channel)}`);
    } catch (error) {
      void next.end().catch(() => undefined);
      throw error;
    }
    established = true;
    return next;
  };

  const lose = (broken: pg.Client, error: Error) => {
    client = null;
    void broken.end().catch(() => undefined);
    handlers.lost(error);
    reconnect();
  };

  const reconnect = () => {
    if (stopped) return;
    retry = setTimeout(() => void reopen(), delay);
  };

  const reopen = async () => {
    try {
      const next = await connect();
      if (stopped) return void (await next.end().catch(() => undefined));
      client = next;
      delay = retryMs;
      handlers.reconnected();
    } catch (error) {
      delay = Math.min(delay * 2, maxRetryMs);
      handlers.lost(error as Error);
      reconnect();
    }
  };

  client = await connect();
  const heartbeat = setInterval(() => {
    const current = client;
    current?.query("SELECT 1").catch((error: Error) => {
      if (client === current) lose(current, error);
    });
  }, heartbeatMs);
  heartbeat.unref();

  return async () => {
    stopped = true;
    clearInterval(heartbeat);
    clearTimeout(retry);
    const last = client;
    client = null;
    await last?.end().catch(() => undefined);
  };
}
