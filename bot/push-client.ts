import WebSocket from "ws";
import { realtimeServerMessageSchema } from "../server/features/realtime/realtime-schemas.ts";
import { wsText } from "../server/platform/ws-text.ts";

export interface PushHandler {
  /** Writes the text to the WeChat contact; resolves once sent. */
  deliver(to: string, text: string): Promise<void>;
  onError(error: unknown): void;
}

/**
 * The bot's WebSocket to the server: authenticates with the bot key, delivers
 * each push it is given and confirms it, and reconnects (with backoff) when the
 * connection drops, so pushes held meanwhile arrive when it is back.
 */
export class PushClient {
  private socket: WebSocket | null = null;
  private stopped = false;
  private retryMs = 1000;
  /** Pushes delivered in this run: one offered again (the confirmation got lost) is only confirmed. */
  private readonly delivered = new Set<string>();
  private readyResolvers: (() => void)[] = [];
  private ready = false;

  constructor(
    private readonly serverUrl: string,
    private readonly botKey: string,
    private readonly handler: PushHandler,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Resolves once the server has accepted the bot (tests wait for it). */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyResolvers.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  private connect(): void {
    const url = new URL("/ws", this.serverUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on("open", () => socket.send(JSON.stringify({ type: "auth.bot", key: this.botKey })));
    socket.on("message", (raw) => void this.onMessage(socket, wsText(raw)));
    socket.on("error", (error) => this.handler.onError(error));
    socket.on("close", () => {
      this.ready = false;
      if (this.stopped) return;
      setTimeout(() => {
        if (!this.stopped) this.connect();
      }, this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    });
  }

  private async onMessage(socket: WebSocket, raw: string): Promise<void> {
    const parsed = realtimeServerMessageSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === "ready") {
      this.ready = true;
      this.retryMs = 1000;
      for (const resolve of this.readyResolvers.splice(0)) resolve();
      return;
    }
    if (message.type === "error") return this.handler.onError(new Error(`server refused the bot: ${message.code}`));
    if (message.type !== "bot.push") return;
    try {
      if (!this.delivered.has(message.id)) await this.handler.deliver(message.to, message.text);
      this.delivered.add(message.id);
      socket.send(JSON.stringify({ type: "bot.delivered", id: message.id }));
    } catch (error) {
      // Not confirmed: the server offers it again later.
      this.handler.onError(error);
    }
  }
}
