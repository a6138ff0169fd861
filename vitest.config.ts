import os from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Kill real server processes with SIGKILL and restart them (about a minute on two cores): CI runs them on
 * both databases (npm run test:crash, .ci/run and scripts/test-postgres.sh); npm test leaves them out.
 */
const crashTests = ["test/server/crash-safety.test.ts", "test/bot/server-crash.test.ts"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...(process.env.CRASH_TESTS ? [] : crashTests)],
    environment: "node",
    pool: "forks",
    // Vitest's default (CPUs − 1) runs one file at a time on a 2-core machine; the tests spend much of
    // their time waiting on databases and browsers, so two at a time cut the whole run by about a quarter.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // China time is what every deadline is reckoned in; UTC here proves the code does not lean on the machine's zone.
    env: { TZ: "UTC" },
  },
});
