import os from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

/**
 * Kill real server processes with SIGKILL and restart them (about a minute on two cores): CI runs them on
 * both databases (npm run test:crash, .ci/run and scripts/test-postgres.sh); npm test leaves them out.
 */
const crashTests = ["test/server/crash-safety.test.ts", "test/bot/server-crash.test.ts"];
/** Several server processes on one database (issue #9): a PostgreSQL server's only (npm run test:db in CI), as the embedded database is one process's. */
const postgresOnlyTests = ["test/server/scale-out.test.ts", "test/server/scale-out-scheduler.test.ts"];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      ...configDefaults.exclude,
      ...(process.env.CRASH_TESTS ? [] : crashTests),
      ...(process.env.TEST_DATABASE_URL ? [] : postgresOnlyTests),
    ],
    environment: "node",
    pool: "forks",
    // Vitest's default (CPUs − 1) runs one file at a time on a 2-core machine; the tests spend much of
    // their time waiting on databases and browsers, so two at a time cut the whole run by about a quarter.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a page or a socket shows next; a second (the default) is too short on two busy cores.
    expect: { poll: { timeout: 10_000 } },
    // China time is what every deadline is reckoned in; UTC here proves the code does not lean on the machine's zone.
    env: { TZ: "UTC" },
  },
});
