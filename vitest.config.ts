import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // China time is what every deadline is reckoned in; UTC here proves the code does not lean on the machine's zone.
    env: { TZ: "UTC" },
  },
});
