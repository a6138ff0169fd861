import crypto from "node:crypto";

/**
 * Sensitive values (ID numbers, phones, bank accounts) are stored as AES-256-GCM
 * ciphertext ("<keyId>.<iv>.<tag>.<data>", base64url) and found by an
 * HMAC-SHA256 of the normalised value, so the database never holds them in
 * clear. The key id lets old ciphertexts be read after a key rotation.
 *
 * The lookup key may be a comma-separated list during a rotation of it: the
 * first hashes new values, and look-ups match a hash under any of them until
 * every stored hash has been recomputed (server/features/personal-data/key-rotation.ts).
 */
export class PersonalDataCipher {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;
  private readonly lookupKeys: Buffer[];

  constructor(options: { dataKeys: Record<string, string>; currentKeyId: string; lookupKey: string }) {
    this.keys = new Map(Object.entries(options.dataKeys).map(([id, key]) => [id, decodeKey(key, `data key ${id}`)]));
    if (!this.keys.has(options.currentKeyId)) throw new Error(`No data key with id ${options.currentKeyId}`);
    this.currentKeyId = options.currentKeyId;
    this.lookupKeys = options.lookupKey.split(",").map((key) => decodeKey(key.trim(), "lookup key"));
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.keys.get(this.currentKeyId)!, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [this.currentKeyId, iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  decrypt(sealed: string): string {
    const [keyId, iv, tag, data] = sealed.split(".");
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (!key || iv === undefined || tag === undefined || data === undefined) throw new Error("Unreadable ciphertext");
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }

  /** Whether more than one lookup key is configured: a rotation of the lookup key is under way. */
  get rotatingLookupKey(): boolean {
    return this.lookupKeys.length > 1;
  }

  /** Whether a ciphertext was sealed under an older data key (and so is due for re-encryption). */
  isSealedUnderOldKey(sealed: string): boolean {
    return !sealed.startsWith(`${this.currentKeyId}.`);
  }

  /** Keyed hash for exact-match lookup; values are normalised first (upper case X in ID numbers, no spaces). */
  lookupHash(value: string): string {
    return hmac(this.lookupKeys[0]!, value);
  }

  /** The value's hash under every configured lookup key, current first: what a look-up matches during a rotation. */
  lookupHashes(value: string): string[] {
    return this.lookupKeys.map((key) => hmac(key, value));
  }
}

function hmac(key: Buffer, value: string): string {
  return crypto.createHmac("sha256", key).update(normalise(value)).digest("base64url");
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

/** 6217001234567891234 → 6217 **** **** 1234: the length is hidden too. */
export function maskBankAccount(value: string): string {
  const v = normalise(value);
  return v.length < 12 ? "*".repeat(v.length) : `${v.slice(0, 4)} **** **** ${v.slice(-4)}`;
}

/**
 * Masks what looks like an ID number, a mobile phone or a bank account in free
 * text (a request URL, a log message): staff search by full ID number, and a
 * query string is logged with the request.
 */
export function maskDigitsInText(text: string): string {
  return text.replace(/(?<![\dA-Za-z-])(\d{17}[\dXx]|1\d{10}|\d{12,25})(?![\dA-Za-z-])/g, (match) =>
    /^\d{17}[\dXx]$/.test(match) ? maskIdNumber(match) : /^1\d{10}$/.test(match) ? maskPhone(match) : maskBankAccount(match),
  );
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
