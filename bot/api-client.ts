import { botMessageResponseSchema, type BotMessageRequest, type BotMessageResponse } from "../server/features/bot/bot-schemas.ts";

const attempts = 4;

/**
 * The bot's side of POST /api/bot/messages. A message is retried on network
 * errors and 5xx: the server handles each message id once, so a retry never
 * files anything twice.
 */
export class BotApiClient {
  constructor(
    private readonly serverUrl: string,
    private readonly botKey: string,
    private readonly pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async message(message: BotMessageRequest): Promise<BotMessageResponse> {
    return this.send("/api/bot/messages", () => ({ body: JSON.stringify(message), headers: { "content-type": "application/json" } }));
  }

  async media(message: BotMessageRequest, file: { bytes: Buffer; name: string }): Promise<BotMessageResponse> {
    return this.send("/api/bot/media-messages", () => {
      const form = new FormData();
      form.append("message", JSON.stringify(message));
      form.append("file", new Blob([new Uint8Array(file.bytes)]), file.name);
      return { body: form, headers: {} };
    });
  }

  private async send(path: string, body: () => { body: string | FormData; headers: Record<string, string> }): Promise<BotMessageResponse> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const request = body();
        const response = await fetch(new URL(path, this.serverUrl), {
          method: "POST",
          body: request.body,
          headers: { ...request.headers, "x-bot-key": this.botKey },
        });
        if (response.ok) return botMessageResponseSchema.parse(await response.json());
        lastError = new Error(`server answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
        if (response.status < 500) break;
      } catch (error) {
        lastError = error;
      }
      if (attempt < attempts) await this.pause(500 * 2 ** (attempt - 1));
    }
    throw lastError;
  }
}
