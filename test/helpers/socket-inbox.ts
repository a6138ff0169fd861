import type WebSocket from "ws";
import { wsText } from "../../server/platform/ws-text.ts";

/** Keeps every JSON message a socket receives, so a test can wait for the one it expects. */
export function socketInbox(socket: WebSocket, label = "the socket") {
  const messages: Record<string, unknown>[] = [];
  socket.on("message", (raw) => messages.push(JSON.parse(wsText(raw))));
  return {
    messages,
    async next(predicate: (m: Record<string, unknown>) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching message from ${label}; got ${JSON.stringify(messages)}`);
    },
  };
}
