/**
 * The "screening" scenario: a medical-insurance (医保局) file with one row per
 * synthetic household goes through the real HTTP API as the demo county's
 * office (`county`): upload, run with the suggested column mapping (the
 * server answers when every row has its outcome), then run again, which must
 * raise nothing. Runs in bench/main.ts's process; the database-side counts
 * come from the app server (its "count-screening" message).
 *
 * The file is deterministic (row i is about household i) and designed so the
 * outcomes can be checked:
 *  - i % 1000 = 500: ID number with a wrong check digit; i % 1000 = 900:
 *    amounts in words. Both ERROR.
 *  - i % 50 = 25: a valid ID number on no household (NO_MATCH).
 *  - i % 500 = 251: an exact repeat of row i − 1 (DUPLICATE_ROW).
 *  - i % 20 = 3: out-of-pocket costs above 10,000 yuan, which trips the
 *    medical rule; the monitoring-line rule trips on its own for the ~6 % of
 *    households below the line. A hit household whose synthetic case is still
 *    under way gets ALREADY_OPEN; the others a new lead.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { LoadResult } from "./load.ts";
import { headIdNumber } from "./synthetic-county.ts";

export interface ScreeningCount {
  /** Cases whose idempotency key is one of this period's screening leads. */
  leads: number;
  leadHouseholds: number;
  leadEvents: number;
  leadTasks: number;
  /** Rows that tripped a rule (LEAD_CREATED, ALREADY_OPEN, ALREADY_RAISED) and those of them pointing at a case of their own household. */
  hitRows: number;
  hitRowsWithOwnCase: number;
  /** Households of the LEAD_CREATED rows. */
  createdHouseholds: number;
}

type Counts = Record<
  "rows" | "ERROR" | "NO_MATCH" | "OUT_OF_SCOPE" | "NO_HIT" | "LEAD_CREATED" | "ALREADY_OPEN" | "ALREADY_RAISED" | "DUPLICATE_ROW",
  number
>;

const department = "HEALTH_INSURANCE";
const names = ["王德福", "李桂英", "张建国", "刘秀兰", "陈志强", "杨春梅", "赵国华", "黄玉珍"];

/** Writes the department file; answers what its rows were designed to give. */
async function writeFile(file: string, rows: number) {
  const out = fs.createWriteStream(file);
  const designed = { errors: 0, noMatch: 0, duplicates: 0, medicalHits: 0 };
  const write = (line: string) => (out.write(line) ? undefined : new Promise<void>((resolve) => out.once("drain", () => resolve())));
  await write("序号,姓名,身份证号,医疗总费用(元),个人自付金额(元)\r\n");
  let previous = "";
  for (let i = 1; i <= rows; i++) {
    const name = names[i % names.length]!;
    let line: string;
    if (i % 500 === 251) {
      line = previous;
      designed.duplicates++;
    } else if (i % 1000 === 500) {
      const id = headIdNumber(i);
      line = `${i},${name},${id.slice(0, 17)}${id[17] === "1" ? "2" : "1"},3000,800`;
      designed.errors++;
    } else if (i % 1000 === 900) {
      line = `${i},${name},${headIdNumber(i)},三千,八百`;
      designed.errors++;
    } else if (i % 50 === 25) {
      line = `${i},${name},${headIdNumber(i, "990160")},5000,1200`;
      designed.noMatch++;
    } else {
      const outOfPocket = i % 20 === 3 ? 10_001 + ((i * 31) % 20_000) : (i * 131) % 9_000;
      if (i % 20 === 3) designed.medicalHits++;
      line = `${i},${name},${headIdNumber(i)},${outOfPocket + 2_000 + ((i * 7919) % 30_000)},${outOfPocket}`;
    }
    previous = line;
    const pending = write(`${line}\r\n`);
    if (pending) await pending;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return designed;
}

/** A POST answered whenever it is done (fetch gives up on a silent server after 300 s; a full-scale run on a slow database can take longer). */
function postJson(url: string, token: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = http.request(
      url,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

async function run(base: string, token: string, importId: string, mapping: Record<string, string>): Promise<Counts> {
  const answer = await postJson(`${base}/api/staff/screening/imports/${importId}/run`, token, { mapping });
  if (answer.status !== 200) throw new Error(`screening run: ${answer.status} ${answer.body.slice(0, 500)}`);
  return (JSON.parse(answer.body) as { import: { counts: Counts } }).import.counts;
}

export async function screeningScenario(options: {
  base: string;
  token: string;
  households: number;
  count: (importId: string, leadKeyPrefix: string) => Promise<ScreeningCount>;
  log: (line: string) => void;
}): Promise<{ label: string; result: LoadResult; checks: { line: string; ok: boolean }[] }> {
  const { base, token, households, log } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fanpin-bench-screening-"));
  const file = path.join(dir, "医保2026Q3.csv");
  try {
    let started = Date.now();
    const designed = await writeFile(file, households);
    log(
      `screening: wrote a ${households}-row file (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const period = "2026Q3";

    started = Date.now();
    const form = new FormData();
    form.append("file", await fs.openAsBlob(file), path.basename(file));
    const uploaded = await fetch(`${base}/api/staff/screening/imports?department=${department}&period=${period}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (uploaded.status !== 201 && uploaded.status !== 200)
      throw new Error(`screening upload: ${uploaded.status} ${(await uploaded.text()).slice(0, 500)}`);
    const upload = (await uploaded.json()) as { importId: string; suggestedMapping: Record<string, string> };
    const uploadSeconds = (Date.now() - started) / 1000;
    const counts = await run(base, token, upload.importId, upload.suggestedMapping);
    const seconds = (Date.now() - started) / 1000;
    log(
      `screening: upload ${uploadSeconds.toFixed(1)} s, run ${(seconds - uploadSeconds).toFixed(1)} s; outcomes ${JSON.stringify(counts)}`,
    );
    const prefix = `screening:${department}:${period}:`;
    const first = await options.count(upload.importId, prefix);

    started = Date.now();
    const again = await run(base, token, upload.importId, upload.suggestedMapping);
    log(`screening: run again ${((Date.now() - started) / 1000).toFixed(1)} s; outcomes ${JSON.stringify(again)}`);
    const second = await options.count(upload.importId, prefix);

    const hits = counts.LEAD_CREATED + counts.ALREADY_OPEN + counts.ALREADY_RAISED;
    const designedOk =
      counts.rows === households &&
      counts.ERROR === designed.errors &&
      counts.NO_MATCH === designed.noMatch &&
      counts.DUPLICATE_ROW === designed.duplicates &&
      counts.OUT_OF_SCOPE === 0 &&
      hits >= designed.medicalHits;
    // Exactly one lead per hit household without a case under way; every hit row points at a case of its own household.
    const leadsOk =
      first.leads === first.leadHouseholds &&
      first.leads === first.createdHouseholds &&
      first.leads === counts.LEAD_CREATED &&
      first.leadEvents === 2 * first.leads &&
      first.leadTasks === first.leads &&
      first.hitRows === hits &&
      first.hitRowsWithOwnCase === hits;
    const againOk =
      again.LEAD_CREATED === 0 &&
      again.ALREADY_RAISED === counts.LEAD_CREATED &&
      second.leads === first.leads &&
      second.leadEvents === first.leadEvents;
    const ok = designedOk && leadsOk && againOk;
    const rowsPerSecond = households / seconds;
    return {
      label: `screening ${department} file → leads (upload + run, ${households} rows)`,
      result: {
        requests: households,
        seconds,
        rps: rowsPerSecond,
        p50: NaN,
        p95: NaN,
        p99: NaN,
        statuses: { "200": 2 },
        errors: 0,
        timeouts: 0,
      },
      checks: [
        {
          ok,
          line:
            `screening: ${households} rows in ${seconds.toFixed(1)} s end to end (upload ${uploadSeconds.toFixed(1)} s), ${rowsPerSecond.toFixed(0)} rows/s; ` +
            `${counts.LEAD_CREATED} leads created, ${counts.ALREADY_OPEN} already open, ${counts.NO_HIT} no hit, ${counts.NO_MATCH} no match, ${counts.ERROR} errors, ${counts.DUPLICATE_ROW} duplicates ` +
            `(designed: ${designed.errors} errors, ${designed.noMatch} no match, ${designed.duplicates} duplicates, ≥ ${designed.medicalHits} hits ${designedOk ? "✓" : "✗"}); ` +
            `${first.leads} leads in ${first.leadHouseholds} households, ${first.leadEvents} events, ${first.leadTasks} tasks, ${first.hitRowsWithOwnCase}/${first.hitRows} hit rows on their household's case ${leadsOk ? "✓" : "✗"}; ` +
            `run again: ${again.LEAD_CREATED} created, ${again.ALREADY_RAISED} already raised, ${second.leads} leads ${againOk ? "✓" : "✗"} → ${ok ? "OK" : "MISMATCH"}`,
        },
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
