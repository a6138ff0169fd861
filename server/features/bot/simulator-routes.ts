import crypto from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import type { WebSocket } from "ws";
import { MockWeChat, type MockPerson } from "../../../bot/mock-wechat.ts";
import type { AppInstance } from "../../app-instance.ts";
import type { Locale } from "../../core/vocabulary.ts";
import {
  simulatorClientMessageSchema,
  simulatorLocaleQuerySchema,
  simulatorMaxFileBytes,
  simulatorMaxTextChars,
  simulatorStringsResponseSchema,
  type SimulatorClientMessage,
  type SimulatorServerMessage,
} from "./simulator-schemas.ts";
import { negotiateLocale, translator } from "../../core/i18n/i18n.ts";
import { publicAccess } from "../../http/access.ts";
import { demoGridWorkerWechatId } from "../../demo/demo-county.ts";
import { wsText } from "../../platform/ws-text.ts";

const webDir = new URL("./simulator/", import.meta.url);
const staticFiles = {
  "/simulator": { file: "simulator.html", type: "text/html; charset=utf-8" },
  "/simulator/simulator.js": { file: "simulator.js", type: "text/javascript; charset=utf-8" },
  "/simulator/simulator.css": { file: "simulator.css", type: "text/css; charset=utf-8" },
} as const;
// The page needs nothing from elsewhere. ws:/wss: are named because older WebKit (WeChat's browser on
// older iPhones) does not count its own ws:// connection as 'self'.
const pageSecurityPolicy =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** A bot that never answers must not hold a page's later messages forever. */
const replyTimeoutMs = 60_000;

/**
 * A web page that talks to the real WeChat bot (bot/wechaty-bot.ts on Wechaty's
 * mock puppet) relaying to this very server, so anyone can try the bot without
 * WeChat. One mock WeChat per app, started by the first page that says hello.
 */
export async function simulatorRoutes(app: AppInstance) {
  for (const [url, { file, type }] of Object.entries(staticFiles)) {
    const body = fs.readFileSync(new URL(file, webDir));
    app.get(url, { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) => {
      if (type.startsWith("text/html")) reply.header("content-security-policy", pageSecurityPolicy);
      return reply.header("cache-control", "no-cache").type(type).send(body);
    });
  }

  app.get(
    "/simulator/strings",
    {
      config: { access: publicAccess },
      schema: { hide: true, querystring: simulatorLocaleQuerySchema, response: { 200: simulatorStringsResponseSchema } },
    },
    async (request) => {
      const locale = request.query.lng ?? request.locale;
      const t = translator(locale);
      return {
        locale,
        strings: t("simulator.page", { returnObjects: true }) as unknown as Record<string, string>,
        welcome: `${t("bot.greeting")}${t("bot.menu")}`,
        limits: { fileBytes: simulatorMaxFileBytes, textChars: simulatorMaxTextChars },
      };
    },
  );

  let started: Promise<MockWeChat> | null = null;
  const mockWeChat = (): Promise<MockWeChat> => {
    started ??= MockWeChat.start(
      { serverUrl: ownUrl(app.server.address()), botKey: app.config.botKey },
      {
        info: (message) => app.log.info(`simulator bot: ${message}`),
        error: (message, err) => app.log.error({ err }, `simulator bot: ${message}`),
      },
    ).catch((error: unknown) => {
      started = null;
      throw error;
    });
    return started;
  };
  app.addHook("onClose", async () => {
    const wechat = await started?.catch(() => null);
    await wechat?.stop();
  });

  app.get("/simulator/ws", { websocket: true, config: { access: publicAccess }, schema: { hide: true } }, (socket: WebSocket, request) => {
    const query = simulatorLocaleQuerySchema.safeParse(request.query);
    const locale: Locale = (query.success && query.data.lng) || negotiateLocale(request.headers["accept-language"]);
    const t = translator(locale);
    let person: MockPerson | null = null;
    let unsubscribe: (() => void) | null = null;
    // One message at a time, so a person's words reach the bot in the order typed.
    let queue: Promise<void> = Promise.resolve();
    const send = (message: SimulatorServerMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const fail = (code: string, message: string) => send({ type: "error", code, message });
    socket.on("close", () => unsubscribe?.());

    const handle = async (message: SimulatorClientMessage): Promise<void> => {
      if (message.type === "hello") {
        const wechatId =
          message.as === "grid" ? demoGridWorkerWechatId : (message.personId ?? `sim-${crypto.randomBytes(16).toString("base64url")}`);
        // Someone may have sent "解除绑定" as the grid worker; speaking as her would then be speaking as a resident.
        if (message.as === "grid" && !(await app.services.auth.staffByWechat(wechatId)))
          return void fail("GRID_WORKER_UNAVAILABLE", t("simulator.errors.gridUnavailable"));
        let wechat: MockWeChat;
        try {
          wechat = await mockWeChat();
        } catch (err) {
          request.log.error({ err }, "simulator bot did not start");
          return void fail("SERVICE_UNAVAILABLE", t("errors.SERVICE_UNAVAILABLE"));
        }
        unsubscribe?.();
        person = wechat.person(wechatId);
        unsubscribe = person.onMessage((text) => send({ type: "bot", text }));
        return void send({ type: "ready", personId: wechatId, as: message.as });
      }
      if (!person) return void fail("NOT_STARTED", t("simulator.errors.notStarted"));
      const exchange = message.type === "say" ? person.say(message.text) : person.send(Buffer.from(message.base64, "base64"), message.name);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([exchange, new Promise((resolve) => (timer = setTimeout(resolve, replyTimeoutMs)))]);
      } finally {
        clearTimeout(timer);
      }
    };

    socket.on("message", (raw) => {
      let json: unknown;
      try {
        json = JSON.parse(wsText(raw));
      } catch {
        json = null;
      }
      const parsed = simulatorClientMessageSchema.safeParse(json);
      if (!parsed.success) {
        const too = (field: string) => parsed.error.issues.some((issue) => issue.code === "too_big" && issue.path[0] === field);
        if (too("base64")) return void fail("FILE_TOO_LARGE", t("errors.FILE_TOO_LARGE", { limitMb: simulatorMaxFileBytes / 1024 / 1024 }));
        if (too("text")) return void fail("TOO_LONG", t("simulator.errors.tooLong", { max: simulatorMaxTextChars }));
        return void fail("VALIDATION_FAILED", t("simulator.errors.invalidMessage"));
      }
      queue = queue
        .then(() => handle(parsed.data))
        .catch((err: unknown) => {
          request.log.error({ err }, "simulator message failed");
          fail("INTERNAL", t("errors.INTERNAL"));
        });
    });
  });
}

/** Where this server answers itself: loopback when it listens on every interface. */
function ownUrl(address: string | AddressInfo | null): string {
  if (!address || typeof address === "string") throw new Error("the simulator needs the server listening on a TCP port");
  const wildcard = address.address === "0.0.0.0" || address.address === "::";
  const host = wildcard ? "127.0.0.1" : address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
