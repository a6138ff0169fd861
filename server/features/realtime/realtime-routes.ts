import type { RawData, WebSocket } from "ws";
import type { AppInstance } from "../../app-instance.ts";
import type { z } from "zod";
import { realtimeClientMessageSchema, type RealtimeServerMessage } from "./realtime-schemas.ts";
import type { Locale } from "../../core/vocabulary.ts";
import { negotiateLocale, translator } from "../../core/i18n/i18n.ts";
import { messageRefusal, publicAccess, type MessageAccess } from "../../http/access.ts";
import { timingSafeEqualText } from "../../core/personal-data.ts";
import type { CaseNotice, CaseNotifier } from "../../platform/case-notifier.ts";
import type { Principal } from "../../core/principal.ts";
import { stageLabel, timelineTitle } from "../cases/stage-view.ts";
import { wsText } from "../../platform/ws-text.ts";
import { type TokenClaims } from "../../core/principal.ts";
import { deskOfRole } from "../../core/reach.ts";

const authTimeoutMs = 10_000;

type RealtimeClientMessage = z.infer<typeof realtimeClientMessageSchema>;
type MessageType = RealtimeClientMessage["type"];

/** Who may send each client message; the dispatcher refuses the rest before reading more than their type. */
export const realtimeMessageAccess = {
  // The log-in messages carry their own credentials; a ping tells nothing.
  auth: "anyone",
  "auth.bot": "anyone",
  ping: "anyone",
  "bot.delivered": "bot",
} as const satisfies Record<MessageType, MessageAccess>;

/**
 * /ws pushes new and escalated tasks to staff in scope, status changes to
 * applicants and to the consoles of the region. The route is open, but a socket hears nothing until its first
 * message authenticates with a login token; each message type declares who may send it (realtimeMessageAccess),
 * and scope is checked per notice.
 */
export async function realtimeRoutes(app: AppInstance, options: { notifier: CaseNotifier }) {
  app.get("/ws", { websocket: true, config: { access: publicAccess }, schema: { hide: true } }, (socket: WebSocket, request) => {
    let locale: Locale = negotiateLocale(request.headers["accept-language"]);
    let unsubscribe: (() => void) | null = null;
    let audience: "staff" | "resident" | "bot" | null = null;
    const send = (message: RealtimeServerMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const refuse = (code: string, closeCode: number) => {
      send({ type: "error", code, message: translator(locale)(`errors.${code}`) });
      socket.close(closeCode);
    };
    const timer = setTimeout(() => refuse("UNAUTHORIZED", 4401), authTimeoutMs);
    socket.on("close", () => {
      clearTimeout(timer);
      unsubscribe?.();
    });

    const handlers: { [T in MessageType]: (message: Extract<RealtimeClientMessage, { type: T }>) => Promise<void> | void } = {
      ping: () => void send({ type: "pong" }),
      "bot.delivered": (message) => app.services.botPushes.delivered(message.id),
      "auth.bot": (message) => {
        if (unsubscribe) return;
        if (!app.config.botKey || !timingSafeEqualText(message.key, app.config.botKey)) return refuse("UNAUTHORIZED", 4401);
        clearTimeout(timer);
        audience = "bot";
        unsubscribe = app.services.botPushes.attach((push) => send({ type: "bot.push", ...push }));
        send({ type: "ready", audience: "bot" });
      },
      auth: async ({ token }) => {
        if (unsubscribe) return;
        let principal: Principal | null = null;
        try {
          principal = await app.services.auth.principalFor(app.jwt.verify<TokenClaims>(token));
        } catch {
          principal = null;
        }
        if (!principal) return refuse("TOKEN_INVALID", 4401);
        clearTimeout(timer);
        if (principal.kind === "resident") locale = principal.locale;
        audience = principal.kind;
        const householdId = principal.kind === "resident" ? await app.services.caseViews.householdOf(principal.id) : null;
        // Notices name regions by code; their names and paths come from the tree, loaded here if this instance has not yet.
        await app.services.regions.tree();
        const forMe = (notice: CaseNotice): boolean => {
          if (principal.kind === "resident")
            return (
              notice.kind === "case.updated" &&
              (notice.reporterResidentId === principal.id || (!!householdId && notice.householdId === householdId))
            );
          // Consoles refresh their queues when a case in their region moves; grid workers and departments work from their own lists.
          if (notice.kind === "case.updated") {
            const path = notice.regionCode ? app.services.regions.pathOf(notice.regionCode) : "";
            return ["VILLAGE", "TOWNSHIP", "COUNTY", "ADMIN"].includes(principal.role) && !!path && path.startsWith(principal.regionPath);
          }
          const desk = deskOfRole(principal.role);
          // A new task, and the reminders about it, go to the desk that works it.
          if (notice.kind !== "task.escalated") return notice.desk === desk && notice.regionPath.startsWith(principal.regionPath);
          return !!notice.escalatedToPath && notice.escalatedToPath.startsWith(principal.regionPath) && notice.desk !== desk;
        };
        unsubscribe = options.notifier.subscribe((event) => {
          // This instance may have missed notices: the page reloads what it shows.
          if (event.kind === "resync") return void send({ type: "resync" });
          if (
            event.kind === "bot.pushes.due" ||
            event.kind === "calendar.changed" ||
            event.kind === "regions.changed" ||
            event.kind === "standards.changed" ||
            event.kind === "workflows.changed"
          )
            return;
          // The account was deactivated or its password changed: its sockets end with its sessions.
          if (event.kind === "staff.sessions.ended") return void (event.staffId === principal.id && refuse("TOKEN_INVALID", 4401));
          // A job's progress goes to the county office and administrator over its region (who may open it).
          if (event.kind === "job.changed") {
            if (
              principal.kind !== "staff" ||
              !["COUNTY", "ADMIN"].includes(principal.role) ||
              !event.regionPath.startsWith(principal.regionPath)
            )
              return;
            return void send({
              type: "job.changed",
              jobId: event.jobId,
              kind: event.jobKind,
              status: event.status,
              progress: { done: event.done, total: event.total, phase: event.phase },
            });
          }
          const notice = event;
          if (!forMe(notice)) return;
          if (notice.kind === "case.updated") {
            const region = notice.regionCode ? app.services.regions.nameOf(notice.regionCode) : "";
            send({
              type: "case.updated",
              caseNumber: notice.caseNumber,
              stage: notice.stage,
              stageLabel: stageLabel(notice.stage, locale),
              status: notice.status,
              event: notice.event,
              title: timelineTitle(notice.event, region, notice.fromStage, notice.stage, locale),
            });
          } else {
            send({
              type: notice.kind,
              taskId: notice.taskId,
              caseNumber: notice.caseNumber,
              stage: notice.stage,
              stageLabel: stageLabel(notice.stage, locale),
              dueAt: notice.dueAt?.toISOString() ?? null,
              dueProvisional: notice.dueProvisional,
            });
          }
        });
        send({ type: "ready", audience: principal.kind });
      },
    };

    // One dispatcher: who may send the message is checked on its type alone, before the rest of it is read.
    const onMessage = async (raw: RawData) => {
      let json: unknown;
      try {
        json = JSON.parse(wsText(raw));
      } catch {
        json = null;
      }
      const type: unknown = json && typeof json === "object" ? (json as { type?: unknown }).type : undefined;
      if (typeof type !== "string" || !Object.hasOwn(realtimeMessageAccess, type)) return refuse("VALIDATION_FAILED", 4400);
      const refusal = messageRefusal(realtimeMessageAccess[type as MessageType], audience);
      if (refusal) return refuse(refusal, refusal === "UNAUTHORIZED" ? 4401 : 4403);
      const parsed = realtimeClientMessageSchema.safeParse(json);
      if (!parsed.success) return refuse("VALIDATION_FAILED", 4400);
      await handlers[parsed.data.type](parsed.data as never);
    };
    socket.on("message", (raw) => void onMessage(raw));
  });
}
