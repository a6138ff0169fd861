/**
 * A synthetic county on top of the demo county, loaded with set-based SQL
 * (INSERT … SELECT … FROM generate_series), in batches, deterministic: every
 * value is a function of the row number g (no random()), ids are md5-derived UUIDs (version/variant nibbles set to 4/8,
 * since the API's response schemas check UUID format).
 *
 * Personal data: the app stores ID numbers and phones as AES-256-GCM ciphertext
 * plus an HMAC lookup hash. Encrypting millions of values in Node and shipping
 * them row by row would defeat the bulk load, so a small pool of real
 * ciphertexts (made with the server's own keys, so the app can decrypt them) is
 * computed once and reused round-robin:
 *  - case phones: a pool of PHONE_POOL phones, with their real ciphertext and
 *    real lookup hash (phone look-ups by hash work; phoneLast4 of case g is that
 *    of phone g % PHONE_POOL);
 *  - member ID numbers: a pool of ID_POOL ciphertexts. The head of household g
 *    (k = 0) has a real lookup hash, of headIdNumber(g) (valid, unique), so a
 *    department file can match households by ID number (the screening
 *    scenario); HMACs are computed in Node per batch and passed as one array
 *    parameter. The other members' hashes, which must be unique too, are
 *    "synthetic-" + md5(g, k): they match nothing. A head's ciphertext is from
 *    the pool, so it does not decrypt to the number its hash stands for.
 *
 * Incomes put about 6 % of households below the 2025 monitoring line (8,300
 * yuan a head), so screening hits a realistic share, not half the county.
 */
import type { Database } from "../server/platform/database/database.ts";
import type { PersonalDataCipher } from "../server/core/personal-data.ts";

const PHONE_POOL = 64;
const ID_POOL = 256;
const VILLAGES_PER_TOWNSHIP = 20;
const BATCH = 100_000;
/** Stages of monitoring-identification, with the desk that works each and the case status. */
const STAGES: [stage: string, desk: "VILLAGE" | "TOWNSHIP" | "COUNTY" | null, status: string][] = [
  ["VILLAGE_VERIFICATION", "VILLAGE", "OPEN"],
  ["VILLAGE_APPRAISAL", "VILLAGE", "OPEN"],
  ["VILLAGE_PUBLICITY", "VILLAGE", "OPEN"],
  ["TOWNSHIP_REVIEW", "TOWNSHIP", "OPEN"],
  ["COUNTY_APPROVAL", "COUNTY", "OPEN"],
  ["DISPATCH", "COUNTY", "OPEN"],
  ["HELP", "VILLAGE", "OPEN"],
  ["ELIMINATION_TOWNSHIP_REVIEW", "TOWNSHIP", "OPEN"],
  ["ELIMINATION_COUNTY_APPROVAL", "COUNTY", "OPEN"],
  ["RISK_ELIMINATED", null, "CLOSED"],
  ["NOT_IDENTIFIED", null, "REJECTED"],
];
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN = ["德福", "桂英", "建国", "秀兰", "志强", "春梅", "国华", "玉珍", "海军", "丽娟", "永红", "小龙"];

export interface SyntheticCounty {
  counts: Record<string, number>;
  /** Case numbers with the last 4 digits of their phone, for the status scenario. */
  lookups: { number: string; phoneLast4: string }[];
}

export function phoneOf(i: number): string {
  return `139${String(10_000_000 + ((i * 7_919_113) % 89_999_999)).padStart(8, "0")}`;
}

/** Head ID numbers stay unique while their 3-digit serial lasts: under 10 million households. */
export const maxHouseholds = 9_999_999;

/** An 18-character ID number with its GB 11643 check character. */
export function withCheckChar(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return body17 + "10X98765432"[sum % 11];
}

/**
 * The ID number of household g's head, consistent with the head's birth date
 * and gender as loaded below: area 990150 (not the demo's 990101, so no demo
 * number repeats), birth date 1950-01-01 + (37 g mod 20000) days, and a serial
 * that tells apart the households sharing that birth date (odd for men).
 */
export function headIdNumber(g: number, area = "990150"): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + ((g * 37) % 20_000) * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
  const serial = Math.floor(g / 20_000) * 2 + (g % 2 === 0 ? 1 : 0);
  return withCheckChar(`${area}${birth}${String(serial).padStart(3, "0")}`);
}

export function caseNumber(n: number): string {
  return `2026-${n < 1_000_000 ? String(n).padStart(6, "0") : String(n)}`;
}

export async function loadSyntheticCounty(
  db: Database,
  cipher: PersonalDataCipher,
  households: number,
  log: (line: string) => void,
): Promise<SyntheticCounty> {
  if (households > maxHouseholds) throw new Error(`at most ${maxHouseholds} synthetic households (head ID numbers would repeat)`);
  const phones = Array.from({ length: PHONE_POOL }, (_, i) => phoneOf(i));
  const phoneEnc = phones.map((p) => cipher.encrypt(p));
  const phoneHash = phones.map((p) => cipher.lookupHash(p));
  const idEnc = Array.from({ length: ID_POOL }, (_, i) => cipher.encrypt(`990101${19500101 + (i % 28)}${String(1000 + i).slice(-4)}`));
  const names = SURNAMES.flatMap((s) => GIVEN.map((g) => s + g));

  // Synthetic villages under each township (demo codes are township + 001…; these are township + 101…).
  await db.query(`DROP TABLE IF EXISTS bench_village`);
  await db.query(
    `INSERT INTO "Region" (id, code, name, aliases, level, "parentId", path)
     SELECT overlay(overlay(md5('bench-village-' || t.code || '-' || i) placing '4' from 13) placing '8' from 17)::uuid, t.code || (100 + i)::text, '合成' || i || '村', ARRAY[]::text[], 'VILLAGE', t.id, t.path || t.code || (100 + i)::text || '/'
     FROM "Region" t CROSS JOIN generate_series(1, $1::int) i WHERE t.level = 'TOWNSHIP'`,
    [VILLAGES_PER_TOWNSHIP],
  );
  await db.query(
    `CREATE TABLE bench_village AS
     SELECT (row_number() OVER (ORDER BY v.code) - 1)::int AS i, v.id, v.path, v.name, t.id AS township_id, t.path AS township_path, c.id AS county_id, c.path AS county_path
     FROM "Region" v JOIN "Region" t ON t.id = v."parentId" JOIN "Region" c ON c.id = t."parentId" WHERE v.level = 'VILLAGE'`,
  );
  await db.query(`CREATE UNIQUE INDEX bench_village_i ON bench_village (i)`);
  const [{ nv } = { nv: 0 }] = await db.query<{ nv: number }>(`SELECT count(*)::int AS nv FROM bench_village`);
  const [{ wf } = { wf: null }] = await db.query<{ wf: string | null }>(
    `SELECT id AS wf FROM "WorkflowDefinition" WHERE key = 'monitoring-identification' AND "regionCode" = '' ORDER BY version DESC LIMIT 1`,
  );
  const [{ base } = { base: 0 }] = await db.query<{ base: number }>(`SELECT nextval('case_number_seq')::int AS base`);
  log(`${nv} villages; case numbers from ${caseNumber(base + 1)}`);

  const stageArr = `ARRAY[${STAGES.map(([s]) => `'${s}'`).join(",")}]`;
  const deskArr = `ARRAY[${STAGES.map(([, d]) => (d ? `'${d}'` : "NULL")).join(",")}]`;
  const statusArr = `ARRAY[${STAGES.map(([, , s]) => `'${s}'`).join(",")}]`;
  // Spread: village by a multiplicative hash of g, stage by another, creation time over the past year.
  const village = `(($1::bigint + g) * 7919) % ${nv}`;
  const stageIx = `(1 + ((g * 31 + g / 7) % ${STAGES.length}))::int`;
  const created = `(timestamp '2026-11-25 00:00' - (((g::bigint * 104729) % 525600) * interval '1 minute'))`;

  for (let lo = 1; lo <= households; lo += BATCH) {
    const hi = Math.min(households, lo + BATCH - 1);
    const t0 = Date.now();
    const range = `generate_series(${lo}, ${hi}) g`;
    await db.query(
      `INSERT INTO "Household" (id, number, "regionId", address, category, protected, "createdAt")
       SELECT overlay(overlay(md5('bench-h-' || g) placing '4' from 13) placing '8' from 17)::uuid, 'BH' || lpad(g::text, 9, '0'), v.id, v.name || (1 + g % 8) || '组' || (g % 97) || '号',
              (ARRAY['NONE','NONE','FORMERLY_POOR','MARGINAL','SUDDEN_HARDSHIP'])[1 + g % 5]::"HouseholdCategory", g % 50 = 0, timestamp '2025-01-01'
       FROM ${range} JOIN bench_village v ON v.i = ${village}`,
      [0],
    );
    const headHashes = Array.from({ length: hi - lo + 1 }, (_, i) => cipher.lookupHash(headIdNumber(lo + i)));
    await db.query(
      `INSERT INTO "HouseholdMember" (id, "householdId", name, relation, gender, "birthDate", "idNumberEnc", "idNumberHash", "labourCapacity", health, schooling)
       SELECT overlay(overlay(md5('bench-m-' || g || '-' || k) placing '4' from 13) placing '8' from 17)::uuid, overlay(overlay(md5('bench-h-' || g) placing '4' from 13) placing '8' from 17)::uuid, ($1::text[])[1 + (g * 3 + k) % ${names.length}],
              (ARRAY['HEAD','SPOUSE','CHILD'])[k + 1]::"Relation", CASE WHEN (g + k) % 2 = 0 THEN '男' ELSE '女' END,
              date '1950-01-01' + ((g * 37 + k * 9000) % 20000)::int, ($2::text[])[1 + (g * 3 + k) % ${ID_POOL}],
              CASE WHEN k = 0 THEN ($3::text[])[g - ${lo} + 1] ELSE 'synthetic-' || md5('bench-m-' || g || '-' || k) END,
              CASE WHEN k = 2 THEN 'NOT_WORKING_AGE' ELSE 'FULL' END::"LabourCapacity",
              (ARRAY['HEALTHY','HEALTHY','HEALTHY','CHRONIC_ILLNESS','SERIOUS_ILLNESS','DISABLED'])[1 + (g + k) % 6]::"HealthStatus",
              CASE WHEN k = 2 THEN 'PRIMARY' ELSE 'NONE' END::"Schooling"
       FROM ${range} CROSS JOIN generate_series(0, 2) k`,
      [names, idEnc, headHashes],
    );
    await db.query(
      `INSERT INTO "Income" (id, "householdId", year, source, amount, "productionCost")
       SELECT overlay(overlay(md5('bench-i-' || g || '-' || k) placing '4' from 13) placing '8' from 17)::uuid, overlay(overlay(md5('bench-h-' || g) placing '4' from 13) placing '8' from 17)::uuid, 2025, (ARRAY['WAGE','TRANSFER'])[k + 1]::"IncomeSource",
              CASE WHEN k = 0 THEN 21000 + (g::bigint * 7919) % 40000 ELSE 1000 + g % 3000 END, CASE WHEN k = 0 THEN (g * 13) % 2000 ELSE 0 END
       FROM ${range} CROSS JOIN generate_series(0, 1) k`,
    );
    await db.query(
      `INSERT INTO "Case" (id, number, kind, channel, "riskTypes", description, "addressText", "applicantName", "contactPhoneEnc", "contactPhoneHash",
                           "householdId", "regionId", "regionPath", routing, stage, status, "stageDueAt", "workflowId", "caseDueAt", locale,
                           "idempotencyKey", "requestHash", "createdAt", "updatedAt")
       SELECT overlay(overlay(md5('bench-c-' || g) placing '4' from 13) placing '8' from 17)::uuid, '2026-' || CASE WHEN $2::int + g < 1000000 THEN lpad(($2::int + g)::text, 6, '0') ELSE ($2::int + g)::text END,
              CASE WHEN g % 5 = 0 THEN 'MONITORING_APPLICATION' ELSE 'HARDSHIP_REPORT' END::"CaseKind",
              (ARRAY['BOT','MINI_PROGRAM','GRID_WORKER','WEB'])[1 + g % 4]::"Channel",
              ARRAY[(ARRAY['ILLNESS','DISABILITY','SCHOOLING','DISASTER','ACCIDENT','BUSINESS_FAILURE','UNSTABLE_WORK','HOUSING','DRINKING_WATER','INCOME_DROP'])[1 + g % 10]]::"RiskType"[],
              '合成测试：家里遇到困难（' || g || '）', v.name, ($3::text[])[1 + (g * 3) % ${names.length}],
              ($4::text[])[1 + g % ${PHONE_POOL}], ($5::text[])[1 + g % ${PHONE_POOL}],
              overlay(overlay(md5('bench-h-' || g) placing '4' from 13) placing '8' from 17)::uuid, v.id, v.path, 'VILLAGE', (${stageArr})[${stageIx}], ((${statusArr})[${stageIx}])::"CaseStatus",
              ${created} + interval '7 days', $6::uuid, ${created} + interval '21 days', 'zh-CN',
              'synthetic:' || g, md5('bench-c-' || g), ${created}, ${created}
       FROM ${range} JOIN bench_village v ON v.i = ${village}`,
      [0, base, names, phoneEnc, phoneHash, wf],
    );
    await db.query(
      `INSERT INTO "CaseEvent" ("caseId", at, "actorType", "actorRole", action, "toStage", payload)
       SELECT overlay(overlay(md5('bench-c-' || g) placing '4' from 13) placing '8' from 17)::uuid, ${created}, 'RESIDENT'::"ActorType", 'RESIDENT', 'SUBMITTED', 'SUBMITTED', '{"synthetic":true}'::jsonb FROM ${range}
       UNION ALL
       SELECT overlay(overlay(md5('bench-c-' || g) placing '4' from 13) placing '8' from 17)::uuid, ${created}, 'SYSTEM'::"ActorType", NULL, 'ROUTED_VILLAGE', 'VILLAGE_VERIFICATION', '{"synthetic":true}'::jsonb FROM ${range}`,
    );
    await db.query(
      `INSERT INTO "CaseTask" (id, "caseId", stage, desk, "regionId", "regionPath", status, "dueAt", "createdAt")
       SELECT overlay(overlay(md5('bench-t-' || g) placing '4' from 13) placing '8' from 17)::uuid, overlay(overlay(md5('bench-c-' || g) placing '4' from 13) placing '8' from 17)::uuid, (${stageArr})[${stageIx}], d::"Desk",
              CASE d WHEN 'VILLAGE' THEN v.id WHEN 'TOWNSHIP' THEN v.township_id ELSE v.county_id END,
              CASE d WHEN 'VILLAGE' THEN v.path WHEN 'TOWNSHIP' THEN v.township_path ELSE v.county_path END,
              'OPEN', ${created} + interval '7 days', ${created}
       FROM ${range} JOIN bench_village v ON v.i = ${village} CROSS JOIN LATERAL (SELECT (${deskArr})[${stageIx}] AS d) s
       WHERE d IS NOT NULL`,
      [0],
    );
    log(`households ${lo}–${hi} with members, incomes, cases, events, tasks: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  await db.query(`SELECT setval('case_number_seq', $1::bigint)`, [base + households]);
  await db.query(`DROP TABLE bench_village`);
  for (const table of ["Household", "HouseholdMember", "Income", "Case", "CaseEvent", "CaseTask"]) await db.query(`ANALYZE "${table}"`);

  const counts: Record<string, number> = {};
  for (const table of ["Region", "Household", "HouseholdMember", "Income", "Case", "CaseEvent", "CaseTask"]) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
    counts[table] = row?.n ?? 0;
  }
  const lookups: SyntheticCounty["lookups"] = [];
  const step = Math.max(1, Math.floor(households / 2000));
  for (let g = 1; g <= households; g += step) lookups.push({ number: caseNumber(base + g), phoneLast4: phones[g % PHONE_POOL]!.slice(-4) });
  return { counts, lookups };
}
