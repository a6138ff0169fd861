/**
 * The "household-import" scenario: a national monitoring system export of N households (default 20,000, in the
 * real layout, with a wrong row every 500 households) goes through the real HTTP API as the demo county's office:
 * upload, start with the suggested mapping, and follow the background job to its end — while a queue page is
 * asked for, one request after another, to show that other users keep being answered. The row reports the
 * queue page's latencies during the import; the check line the import's time (target: under 60 s on PostgreSQL).
 */
import type { LoadResult } from "./load.ts";
import { multipartFile, nationalExportXlsx, type Village } from "../test/helpers/national-export-sheet.ts";

export async function householdImportScenario(options: {
  base: string;
  token: string;
  households: number;
  log: (line: string) => void;
}): Promise<{ label: string; result: LoadResult; checks: { line: string; ok: boolean }[] }> {
  const { base, token, households, log } = options;
  const headers = { authorization: `Bearer ${token}` };
  const regions = (await (await fetch(`${base}/api/regions`)).json()) as {
    items: { code: string; name: string; level: string; parentCode: string | null }[];
  };
  const names = new Map(regions.items.map((r) => [r.code, r.name]));
  const villages: Village[] = regions.items
    .filter((r) => r.level === "VILLAGE" && r.code.startsWith("990101"))
    .map((r) => ({ code: r.code, township: names.get(r.parentCode ?? "") ?? "", name: r.name }));
  const made = Date.now();
  const { bytes, rows } = await nationalExportXlsx({ villages, households, badEvery: 500, seed: Date.now() % 1000, incomeYear: 2025 });
  log(
    `household export: ${households} households, ${rows.length} rows, ${(bytes.length / 2 ** 20).toFixed(1)} MB, made in ${((Date.now() - made) / 1000).toFixed(1)} s`,
  );

  const file = multipartFile("监测对象信息.xlsx", bytes);
  const upload = (await (
    await fetch(`${base}/api/admin/household-imports`, { method: "POST", headers: { ...headers, ...file.headers }, body: file.payload })
  ).json()) as { importId: string; suggestedMapping: Record<string, string> };
  const started = Date.now();
  const run = (await (
    await fetch(`${base}/api/admin/household-imports/${upload.importId}/run`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ mapping: upload.suggestedMapping }),
    })
  ).json()) as { jobId: string };

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let status = "QUEUED";
  let lastPoll = 0;
  while (!["SUCCEEDED", "FAILED", "CANCELLED"].includes(status)) {
    const t0 = performance.now();
    const page = await fetch(`${base}/api/staff/cases?status=OPEN&limit=20`, { headers });
    await page.arrayBuffer();
    latencies.push(performance.now() - t0);
    statuses[page.status] = (statuses[page.status] ?? 0) + 1;
    if (Date.now() - lastPoll > 250) {
      lastPoll = Date.now();
      status = ((await (await fetch(`${base}/api/jobs/${run.jobId}`, { headers })).json()) as { status: string }).status;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const detail = (await (await fetch(`${base}/api/admin/household-imports/${upload.importId}`, { headers })).json()) as {
    import: { counts: { created: number; updated: number; unchanged: number; refused: number; errorRows: number } };
  };
  const held = new Set(rows.filter((r) => r.bad).map((r) => r.householdNumber)).size;
  const counts = detail.import.counts;
  const written = counts.created + counts.updated + counts.unchanged;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    label: `queue page while ${households} households import (GET /api/staff/cases, one at a time)`,
    result: {
      requests: latencies.length,
      seconds,
      rps: latencies.length / seconds,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      statuses,
      errors: 0,
      timeouts: 0,
    },
    checks: [
      {
        ok: status === "SUCCEEDED" && written === households - held && counts.refused === held,
        line:
          `household import: ${households} households (${rows.length} rows) in ${seconds.toFixed(1)} s (${(households / seconds).toFixed(0)} households/s), ` +
          `job ${status}; ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.refused} held back ` +
          `(${held} made wrong on purpose) → ${status === "SUCCEEDED" && written === households - held && counts.refused === held ? "OK" : "MISMATCH"}`,
      },
    ],
  };
}
