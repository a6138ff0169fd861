import { compareKeyFingerprints, type KeyMaterial } from "./key-fingerprints.ts";
import type { PrismaClient } from "../database/database.ts";

export class KeyMismatchError extends Error {}

/**
 * Checks the keys an instance (or a command) runs with against the
 * fingerprints recorded in the database, and records new ones. Instances
 * starting together take turns under an advisory lock. A mismatch stops the
 * start: an instance with keys of its own would write personal data the
 * others cannot read, and find nobody by ID number.
 */
export async function checkAndRecordKeys(prisma: PrismaClient, keys: KeyMaterial): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(727002)`;
    const recorded = await tx.keyFingerprint.findMany();
    const { mismatched, records } = compareKeyFingerprints(new Map(recorded.map((r) => [r.name, r.fingerprint])), keys);
    if (mismatched.length > 0) {
      throw new KeyMismatchError(
        `${mismatched.join(" and ")} differ from the keys this database's personal data was written with: ` +
          'give every instance and command the same DATA_KEYS and LOOKUP_KEY (README, "Running in production" and "Key rotation")',
      );
    }
    for (const [name, fingerprint] of records) {
      await tx.keyFingerprint.upsert({ where: { name }, create: { name, fingerprint }, update: { fingerprint } });
    }
  });
}
