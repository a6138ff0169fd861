import crypto from "node:crypto";

/** The keys personal data is encrypted and matched with: data keys by id, lookup keys (the first current, others older). */
export interface KeyMaterial {
  dataKeys: Record<string, string>;
  lookupKeys: string[];
}

/** A key's fingerprint: enough to tell two keys apart, nothing to recover one from. */
export function fingerprint(key: string): string {
  return crypto.createHash("sha256").update(`fanpin key fingerprint\0${key}`).digest("hex").slice(0, 16);
}

export function keyFingerprints(keys: KeyMaterial): { dataKeys: Record<string, string>; lookupKeys: string[] } {
  return {
    dataKeys: Object.fromEntries(Object.entries(keys.dataKeys).map(([id, key]) => [id, fingerprint(key)])),
    lookupKeys: keys.lookupKeys.map(fingerprint),
  };
}

/**
 * What a database's recorded fingerprints (`data:<key id>`, `lookup`) say of
 * the keys an instance was started with: the keys that differ from the ones
 * the data was written with (a data key id bound to another key, a lookup key
 * that is not among the configured ones), and the records to write — new key
 * ids, and the lookup key once it is current (a rotation puts the new key
 * first and keeps the old one until every hash is redone).
 */
export function compareKeyFingerprints(
  recorded: ReadonlyMap<string, string>,
  keys: KeyMaterial,
): { mismatched: string[]; records: Map<string, string> } {
  const prints = keyFingerprints(keys);
  const mismatched: string[] = [];
  const records = new Map<string, string>();
  for (const [id, print] of Object.entries(prints.dataKeys)) {
    const known = recorded.get(`data:${id}`);
    if (known === undefined) records.set(`data:${id}`, print);
    else if (known !== print) mismatched.push(`DATA_KEYS ${id}`);
  }
  const lookup = recorded.get("lookup");
  if (lookup !== undefined && !prints.lookupKeys.includes(lookup)) mismatched.push("LOOKUP_KEY");
  else if (lookup !== prints.lookupKeys[0]) records.set("lookup", prints.lookupKeys[0]!);
  return { mismatched, records };
}
