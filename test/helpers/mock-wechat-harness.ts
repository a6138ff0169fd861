import { MockWeChat } from "../../bot/mock-wechat.ts";
import type { TestApp } from "./test-app.ts";

export const testBotKey = "test-bot-key-0123456789";

/** The test app listening on a free port, with the real bot on the mock puppet relaying to it. */
export async function startMockWeChat(t: TestApp): Promise<MockWeChat> {
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = t.app.server.address() as { port: number };
  return MockWeChat.start({ serverUrl: `http://127.0.0.1:${port}`, botKey: testBotKey });
}
