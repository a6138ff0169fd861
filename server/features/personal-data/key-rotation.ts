import type { PrismaClient } from "../../platform/database/database.ts";
import type { PersonalDataCipher } from "../../core/personal-data.ts";

/**
 * Every column that holds a ciphertext, with the lookup hash kept beside it
 * (a test checks that every "…Enc" column of the database is listed here).
 */
export const sealedColumns: readonly { table: string; columns: readonly { sealed: string; hash?: string }[] }[] = [
  {
    table: "Case",
    columns: [
      { sealed: "contactPhoneEnc", hash: "contactPhoneHash" },
      { sealed: "applicantIdNumberEnc", hash: "applicantIdNumberHash" },
      { sealed: "declaredHouseholdEnc" },
      { sealed: "bankAccountEnc", hash: "bankAccountHash" },
    ],
  },
  { table: "HouseholdMember", columns: [{ sealed: "idNumberEnc", hash: "idNumberHash" }] },
  { table: "ResidentIdentity", columns: [{ sealed: "phoneEnc", hash: "phoneHash" }] },
  { table: "StaffAccount", columns: [{ sealed: "phoneEnc" }] },
];

export interface RotationOptions {
  /** Rows read and written per transaction. */
  batchSize?: number;
  /** Recompute every lookup hash under the current lookup key (a rotation of the lookup key); reads every row. */
  rehash?: boolean;
  onBatch?: (progress: { table: string; scanned: number; reencrypted: number; rehashed: number }) => void;
}

export interface RotationReport {
  tables: Record<string, { scanned: number; reencrypted: number; rehashed: number; changedMeanwhile: number }>;
  /** Ciphertexts still under an older data key afterwards (rows changed while their batch ran): run again. */
  remaining: number;
}

/**
 * Re-encrypts every ciphertext still sealed under an older data key with the
 * current one, and with `rehash` recomputes every lookup hash under the
 * current lookup key from the decrypted value. Batches of rows in primary-key
 * order, each its own short transaction, so it can run beside the servers
 * (which must already know the new keys): each row is written only if it
 * still holds what was read, so a concurrent change is never overwritten. A
 * run stopped halfway loses nothing; the next one skips what is done
 * (re-encryption selects only old-key rows; re-hashing compares and writes
 * only hashes that differ).
 */
export async function rotateKeys(prisma: PrismaClient, cipher: PersonalDataCipher, options: RotationOptions = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const current = `${cipher.currentKeyId}.`;
  const report: RotationReport = { tables: {}, remaining: 0 };
  for (const { table, columns } of sealedColumns) {
    const counts = { scanned: 0, reencrypted: 0, rehashed: 0, changedMeanwhile: 0 };
    report.tables[table] = counts;
    const selected = columns.flatMap((c) => [c.sealed, ...(c.hash ? [c.hash] : [])]);
    const oldKeyFilter = (param: string) =>
      columns.map((c) => `("${c.sealed}" IS NOT NULL AND NOT starts_with("${c.sealed}", ${param}))`).join(" OR ");
    let after: string | null = null;
    for (;;) {
      // Re-hashing reads every row; re-encrypting only those with a ciphertext under an older key.
      const conditions = [...(after ? [`"id" > $1::uuid`] : []), ...(options.rehash ? [] : [`(${oldKeyFilter(after ? "$2" : "$1")})`])];
      const params = [...(after ? [after] : []), ...(options.rehash ? [] : [current])];
      const rows: Record<string, string | null>[] = await prisma.$queryRawUnsafe(
        `SELECT "id"::text AS "id", ${selected.map((c) => `"${c}"`).join(", ")} FROM "${table}"
         ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""} ORDER BY "id" LIMIT ${batchSize}`,
        ...params,
      );
      if (rows.length === 0) break;
      const updates = rows.flatMap((row) => {
        const set: Record<string, string> = {};
        let reencrypted = 0;
        let rehashed = 0;
        for (const { sealed, hash } of columns) {
          const old = row[sealed];
          if (old === null || old === undefined) continue;
          const stale = cipher.isSealedUnderOldKey(old);
          if (!stale && !(options.rehash && hash)) continue;
          const plain = cipher.decrypt(old);
          if (stale) {
            set[sealed] = cipher.encrypt(plain);
            reencrypted++;
          }
          const fresh = options.rehash && hash ? cipher.lookupHash(plain) : undefined;
          if (hash && fresh !== undefined && row[hash] !== fresh) {
            set[hash] = fresh;
            rehashed++;
          }
        }
        return Object.keys(set).length > 0 ? [{ row, set, reencrypted, rehashed }] : [];
      });
      counts.scanned += rows.length;
      if (updates.length > 0) {
        const written = await prisma.$transaction(
          updates.map(({ row, set }) => {
            const names = Object.keys(set);
            // Compare-and-set on every column read: a row the servers changed meanwhile is left for the next run.
            const params = [...names.map((n) => set[n]), row.id, ...selected.map((c) => row[c])];
            return prisma.$executeRawUnsafe(
              `UPDATE "${table}" SET ${names.map((n, i) => `"${n}" = $${i + 1}`).join(", ")}
               WHERE "id" = $${names.length + 1}::uuid AND ${selected.map((c, i) => `"${c}" IS NOT DISTINCT FROM $${names.length + 2 + i}`).join(" AND ")}`,
              ...params,
            );
          }),
        );
        updates.forEach((update, i) => {
          if (written[i] === 0) counts.changedMeanwhile++;
          else {
            counts.reencrypted += update.reencrypted;
            counts.rehashed += update.rehashed;
          }
        });
      }
      options.onBatch?.({ table, ...counts });
      after = rows.at(-1)!.id!;
      if (rows.length < batchSize) break;
    }
    const [left] = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS "n" FROM "${table}" WHERE ${oldKeyFilter("$1")}`,
      current,
    );
    report.remaining += left!.n;
  }
  return report;
}
