import crypto from "node:crypto";

/**
 * Sensitive values (ID numbers, phones) are stored as AES-256-GCM ciphertext
 * ("<keyId>.<iv>.<tag>.<data>", base64url) and found by an HMAC-SHA256 of the
 * normalised value, so the database never holds them in clear. The key id
 * lets old ciphertexts be read after a key rotation.
 */
export class PersonalDataCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly currentKeyId: string;
  private readonly lookupKey: Buffer;

  constructor(options: { dataKeys: Record<string, string>; currentKeyId: string; lookupKey: string }) {
    this.keys = new Map(Object.entries(options.dataKeys).map(([id, key]) => [id, decodeKey(key, `data key ${id}`)]));
    if (!this.keys.has(options.currentKeyId)) throw new Error(`No data key with id ${options.currentKeyId}`);
    this.currentKeyId = options.currentKeyId;
    this.lookupKey = decodeKey(options.lookupKey, "lookup key");
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.keys.get(this.currentKeyId)!, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [this.currentKeyId, iv, cipher.getAuthTag(), data].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
  }

  decrypt(sealed: string): string {
    const [keyId, iv, tag, data] = sealed.split(".");
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (!key || iv === undefined || tag === undefined || data === undefined) throw new Error("Unreadable ciphertext");
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }

  /** Keyed hash for exact-match lookup; values are normalised first (upper case X in ID numbers, no spaces). */
  lookupHash(value: string): string {
    return crypto.createHmac("sha256", this.lookupKey).update(normalise(value)).digest("base64url");
  }
}

function normalise(value: string): string {
  return value.replace(/[\s-]/g, "").toUpperCase();
}

function decodeKey(value: string, what: string): Buffer {
  const key = Buffer.from(value, "base64");
  if (key.length !== 32) throw new Error(`The ${what} must be 32 bytes, base64-encoded`);
  return key;
}

export function generateKey(): string {
  return crypto.randomBytes(32).toString("base64");
}

/** 110101199003071234 → 1101**********1234 */
export function maskIdNumber(value: string): string {
  const v = normalise(value);
  return v.length <= 8 ? "*".repeat(v.length) : `${v.slice(0, 4)}${"*".repeat(v.length - 8)}${v.slice(-4)}`;
}

/** 13812345678 → 138****5678 */
export function maskPhone(value: string): string {
  const v = normalise(value);
  return v.length < 7 ? "*".repeat(v.length) : `${v.slice(0, 3)}${"*".repeat(v.length - 7)}${v.slice(-4)}`;
}

/** 张三丰 → 张** ; a name is shown whole only to those who work the case. */
export function maskName(value: string): string {
  const chars = [...value.trim()];
  if (chars.length <= 1) return chars.join("");
  return chars[0] + "*".repeat(chars.length - 1);
}

export function timingSafeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
