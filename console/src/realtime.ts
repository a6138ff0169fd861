import type { z } from "zod";
import type { realtimeServerMessageSchema } from "../../server/features/realtime/realtime-schemas.ts";

export type RealtimeMessage = z.output<typeof realtimeServerMessageSchema>;
export type RealtimeState = "connecting" | "live" | "offline";

/**
 * One WebSocket to /ws that authenticates in-band, keeps itself alive, and
 * reconnects with growing pauses when the network drops (offices on weak links).
 */
export function connectRealtime(
  token: string,
  listeners: { message(m: RealtimeMessage): void; state(s: RealtimeState): void },
): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let ping: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    listeners.state("connecting");
    socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    socket.onopen = () => socket?.send(JSON.stringify({ type: "auth", token }));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as RealtimeMessage;
      if (message.type === "ready") {
        attempt = 0;
        listeners.state("live");
        ping = setInterval(() => socket?.send(JSON.stringify({ type: "ping" })), 25_000);
      }
      listeners.message(message);
    };
    socket.onclose = () => {
      clearInterval(ping);
      if (closed) return;
      listeners.state("offline");
      retry = setTimeout(open, Math.min(30_000, 1000 * 2 ** attempt++));
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    clearInterval(ping);
    socket?.close();
  };
}
