import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The staff console (index.html) and the residents' status page (status.html),
 * served by the Fastify server under /console/. `npm run console:dev` serves
 * them with hot reload and sends API calls to a server on port 3000.
 */
export default defineConfig({
  root,
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: { index: `${root}index.html`, status: `${root}status.html` } },
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:3000",
      "/ws": { target: "ws://127.0.0.1:3000", ws: true },
      "/console/features": "http://127.0.0.1:3000",
    },
  },
});
