// npm run keys:rotate [-- --new-keys] [--rehash]: re-encrypts every personal value under the current data key
// (the first of DATA_KEYS) and, when LOOKUP_KEY lists more than one key or with --rehash, recomputes every
// lookup hash under the current lookup key. Safe beside running servers on PostgreSQL once they know the new
// keys; the embedded database must be stopped first (one process at a time). See README, Key rotation.
import path from "node:path";
import { loadConfig } from "../config.ts";
import { PersonalDataCipher } from "../core/personal-data.ts";
import { dropOldGeneratedKeys, prependGeneratedKeys, resolveSecrets } from "../platform/keys/secrets.ts";
import { rotateKeys } from "../features/personal-data/key-rotation.ts";
import { openDatabase } from "../platform/database/database.ts";
import { checkAndRecordKeys } from "../platform/keys/key-records.ts";

const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => a !== "--new-keys" && a !== "--rehash");
if (unknown.length > 0) {
  console.error(`unknown option ${unknown.join(" ")}; usage: npm run keys:rotate [-- --new-keys] [--rehash]`);
  process.exit(2);
}
const config = loadConfig();
if (args.has("--new-keys"))
  console.log(
    `new data key ${prependGeneratedKeys(config).dataKeyId} and a new lookup key put first in ${path.join(config.dataDir, "secrets.json")}`,
  );
const secrets = resolveSecrets(config, true);
const cipher = new PersonalDataCipher(secrets);
const db = await openDatabase({
  url: config.databaseUrl,
  embeddedDir: config.databaseUrl ? undefined : path.join(config.dataDir, "pglite"),
});
try {
  await db.migrate();
  const report = await rotateKeys(db.prisma, cipher, {
    rehash: args.has("--rehash") || cipher.rotatingLookupKey,
    onBatch: (progress) => console.log(JSON.stringify(progress)),
  });
  console.log(JSON.stringify(report));
  // Every value is under the current keys now (when nothing remains): the database records them as its keys.
  if (report.remaining === 0) await checkAndRecordKeys(db.prisma, { dataKeys: secrets.dataKeys, lookupKeys: secrets.lookupKey.split(",") });
  if (report.remaining > 0) {
    console.error(`${report.remaining} value(s) changed while they were re-encrypted: run it again.`);
    process.exitCode = 1;
  } else if (args.has("--new-keys")) {
    dropOldGeneratedKeys(config);
    console.log("every value is under the new keys; the old keys were removed from secrets.json.");
  } else {
    console.log(
      `every value is under data key ${cipher.currentKeyId}${cipher.rotatingLookupKey ? " and every hash under the first lookup key" : ""}: the older keys can now be removed from DATA_KEYS / LOOKUP_KEY (restart the servers after).`,
    );
  }
} finally {
  await db.close();
}
