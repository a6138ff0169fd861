import fs from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import { consoleFeaturesSchema, type ConsoleFeatures } from "./console-schemas.ts";
import type { AppInstance } from "../../app-instance.ts";
import { publicAccess } from "../../http/access.ts";

/** Where `npm run console:build` (Vite) writes the staff console and the residents' status page. */
export const consoleDistDir = fileURLToPath(new URL("../../../console/dist/", import.meta.url));

// The pages load nothing from elsewhere; antd writes its styles at run time, hence 'unsafe-inline' for styles only.
const pageSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The staff console (/console/) and the residents' status page (/status) as
 * built files. Served by our own routes (not the plugin's), so they declare
 * their access like every other route.
 */
export async function consoleRoutes(app: AppInstance, options: ConsoleFeatures) {
  const built = fs.existsSync(consoleDistDir + "index.html");
  if (!built) app.log.warn("console/dist is missing: run `npm run console:build` to serve the web console");
  await app.register(fastifyStatic, { root: consoleDistDir, serve: false });

  const page = (file: string) => async (_request: unknown, reply: import("fastify").FastifyReply) => {
    if (!built) return reply.status(503).type("text/plain; charset=utf-8").send("The web console is not built: npm run console:build");
    return reply
      .header("content-security-policy", pageSecurityPolicy)
      .header("cache-control", "no-cache")
      .sendFile(file, { cacheControl: false });
  };
  app.get("/", { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) => reply.redirect("/console/"));
  app.get("/console", { config: { access: publicAccess }, schema: { hide: true } }, async (_request, reply) => reply.redirect("/console/"));
  app.get("/console/", { config: { access: publicAccess }, schema: { hide: true } }, page("index.html"));
  app.get("/status", { config: { access: publicAccess }, schema: { hide: true } }, page("status.html"));
  app.get(
    "/console/features",
    { config: { access: publicAccess }, schema: { hide: true, response: { 200: consoleFeaturesSchema } } },
    async () => options,
  );
  app.get("/console/assets/*", { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { "*": string })["*"];
    // Built asset names carry their content hash: they never change, so browsers may keep them.
    return reply.sendFile(`assets/${file}`, { maxAge: "365d", immutable: true });
  });
}
