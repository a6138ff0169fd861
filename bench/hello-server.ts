/** The baseline: a bare Fastify "hello world" in a child process; sends {type:"ready", port} over IPC. */
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/", async () => ({ hello: "world" }));
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
process.send?.({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
process.on("disconnect", () => process.exit(1));
process.on("message", (raw: unknown) => void onMessage(raw));

async function onMessage(raw: unknown): Promise<void> {
  if ((raw as { type?: string }).type === "stop") {
    await app.close();
    process.exit(0);
  }
}
