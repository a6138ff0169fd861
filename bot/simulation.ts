import crypto from "node:crypto";
import { buildApp } from "../server/app.ts";
import type { AppInstance } from "../server/app-instance.ts";
import { loadConfig } from "../server/config.ts";
import { MockWeChat } from "./mock-wechat.ts";

/** The demo grid worker's WeChat id (bound in the demo county), so simulators can forward as a grid worker. */
export { demoGridWorkerWechatId } from "../server/demo/demo-county.ts";

export interface Simulation {
  app: AppInstance;
  wechat: MockWeChat;
  stop(): Promise<void>;
}

/**
 * A whole system to talk to without WeChat: the server (in memory with the demo
 * county unless DATABASE_URL is set) on a free port, and the real bot on the
 * mock puppet relaying to it.
 */
export async function startSimulation(env: NodeJS.ProcessEnv = process.env): Promise<Simulation> {
  const botKey = crypto.randomBytes(24).toString("base64url");
  const config = loadConfig(env, {
    logLevel: "silent",
    overdueScanSeconds: 0,
    host: "127.0.0.1",
    port: 0,
    botKey,
    ...(env.DATABASE_URL ? {} : { embeddedInMemory: true, seedDemo: "true" }),
  });
  const app = await buildApp(config);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  const wechat = await MockWeChat.start({ serverUrl: `http://127.0.0.1:${port}`, botKey });
  return {
    app,
    wechat,
    async stop() {
      await wechat.stop();
      await app.close();
    },
  };
}
