import fs from "node:fs";
import path from "node:path";
import type { AppConfig } from "../../config.ts";
import { generateKey } from "../../core/personal-data.ts";

export interface Secrets {
  dataKeys: Record<string, string>;
  currentKeyId: string;
  lookupKey: string;
  tokenSecret: string;
}

function parseDataKeys(value: string): { keys: Record<string, string>; current: string } {
  const entries = value.split(",").map((part) => {
    const at = part.indexOf(":");
    if (at <= 0) throw new Error('DATA_KEYS must look like "id:base64key[,id:base64key…]"');
    return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
  });
  return { keys: Object.fromEntries(entries), current: entries[0]![0] };
}

/**
 * Secrets from the configuration; what is missing is generated once and kept
 * in dataDir/secrets.json (mode 600) so the embedded default works out of the
 * box and survives restarts. Production passes them in the environment.
 */
export function resolveSecrets(config: AppConfig, persist: boolean): Secrets {
  type Name = "dataKeys" | "lookupKey" | "tokenSecret";
  const file = path.join(config.dataDir, "secrets.json");
  const stored = (persist && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {}) as Partial<Record<Name, string>>;
  const generated: Partial<Record<Name, string>> = {};
  const pick = (name: Name, configured: string, make: () => string) => configured || stored[name] || (generated[name] = make());
  const dataKeys = pick("dataKeys", config.dataKeys, () => `k1:${generateKey()}`);
  const lookupKey = pick("lookupKey", config.lookupKey, generateKey);
  const tokenSecret = pick("tokenSecret", config.tokenSecret, generateKey);
  if (persist && Object.keys(generated).length > 0) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...stored, ...generated }, null, 2), { mode: 0o600 });
  }
  const { keys, current } = parseDataKeys(dataKeys);
  return { dataKeys: keys, currentKeyId: current, lookupKey, tokenSecret };
}

/**
 * `npm run keys:rotate -- --new-keys` on a server whose keys were generated
 * (none configured): puts a fresh data key and a fresh lookup key first in
 * dataDir/secrets.json, keeping the old ones for reading and matching until
 * the rotation is done. Keys given in the environment are the operator's to
 * change there.
 */
export function prependGeneratedKeys(config: AppConfig): { dataKeyId: string } {
  if (config.dataKeys || config.lookupKey)
    throw new Error("DATA_KEYS / LOOKUP_KEY come from the environment: put the new key first there (see README, Key rotation)");
  const file = path.join(config.dataDir, "secrets.json");
  if (!fs.existsSync(file)) throw new Error(`No generated keys in ${file}`);
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const { keys } = parseDataKeys(stored.dataKeys ?? "");
  const next = Math.max(0, ...Object.keys(keys).map((id) => Number(/^k(\d+)$/.exec(id)?.[1] ?? 0))) + 1;
  const dataKeyId = `k${next}`;
  stored.dataKeys = [`${dataKeyId}:${generateKey()}`, stored.dataKeys].join(",");
  stored.lookupKey = [generateKey(), stored.lookupKey].join(",");
  fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return { dataKeyId };
}

/** After a complete rotation: only the current (first) keys stay in dataDir/secrets.json. */
export function dropOldGeneratedKeys(config: AppConfig): void {
  const file = path.join(config.dataDir, "secrets.json");
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  stored.dataKeys = stored.dataKeys!.split(",")[0]!;
  stored.lookupKey = stored.lookupKey!.split(",")[0]!;
  fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
}
