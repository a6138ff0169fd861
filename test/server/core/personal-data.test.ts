import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  PersonalDataCipher,
  generateKey,
  maskBankAccount,
  maskDigitsInText,
  maskIdNumber,
  maskName,
  maskPhone,
  timingSafeEqualText,
} from "../../../server/core/personal-data.ts";

const k1 = generateKey();
const k2 = generateKey();
const lookupKey = generateKey();

const cipher = new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey });

/** Applies `change` to one base64url part of a sealed value and puts it back together. */
function tamper(sealed: string, index: number, change: (bytes: Buffer) => void): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[index]!, "base64url");
  change(bytes);
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

describe("generateKey", () => {
  it("returns 32 random bytes in base64", () => {
    const a = generateKey();
    expect(Buffer.from(a, "base64")).toHaveLength(32);
    expect(a).not.toBe(generateKey());
  });
});

describe("PersonalDataCipher", () => {
  it.each(["110101199003071234", "13812345678", "张三丰 云南省某县东山镇红新村一组", "", "emoji 👨‍🌾 ok"])("round-trips %j", (plain) => {
    expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
  });

  it("produces a different ciphertext each time, never containing the plaintext", () => {
    const plain = "110101199003071234";
    const a = cipher.encrypt(plain);
    const b = cipher.encrypt(plain);
    expect(a).not.toBe(b);
    for (const sealed of [a, b]) {
      expect(sealed).not.toContain(plain);
      expect(sealed).not.toContain(Buffer.from(plain).toString("base64url"));
      expect(sealed.split(".")).toHaveLength(4);
      expect(sealed.startsWith("k1.")).toBe(true);
    }
  });

  it("rejects a ciphertext whose data was changed", () => {
    const sealed = cipher.encrypt("13812345678");
    const forged = tamper(sealed, 3, (bytes) => {
      bytes[0] = bytes[0]! ^ 0x01;
    });
    expect(forged).not.toBe(sealed);
    expect(() => cipher.decrypt(forged)).toThrow();
  });

  it("rejects a ciphertext whose tag or iv was changed", () => {
    const sealed = cipher.encrypt("13812345678");
    expect(() => cipher.decrypt(tamper(sealed, 2, (bytes) => void (bytes[5] = bytes[5]! ^ 0x80)))).toThrow();
    expect(() => cipher.decrypt(tamper(sealed, 1, (bytes) => void (bytes[0] = bytes[0]! ^ 0x80)))).toThrow();
  });

  it("rejects a ciphertext sealed with a different key under the same id", () => {
    const other = new PersonalDataCipher({ dataKeys: { k1: generateKey() }, currentKeyId: "k1", lookupKey });
    expect(() => cipher.decrypt(other.encrypt("secret"))).toThrow();
  });

  it("rejects malformed values and unknown key ids", () => {
    expect(() => cipher.decrypt("not a ciphertext")).toThrow(/Unreadable/);
    expect(() => cipher.decrypt("k1.abc")).toThrow(/Unreadable/);
    const sealed = cipher.encrypt("x");
    expect(() => cipher.decrypt(sealed.replace(/^k1\./, "k9."))).toThrow(/Unreadable/);
  });

  it("reads old ciphertexts after a key rotation and seals new ones with the new key", () => {
    const before = cipher.encrypt("张三丰");
    const rotated = new PersonalDataCipher({ dataKeys: { k1, k2 }, currentKeyId: "k2", lookupKey });
    expect(rotated.decrypt(before)).toBe("张三丰");

    const after = rotated.encrypt("李四");
    expect(after.startsWith("k2.")).toBe(true);
    expect(rotated.decrypt(after)).toBe("李四");
    // The old cipher, which lacks k2, cannot read it.
    expect(() => cipher.decrypt(after)).toThrow();
  });

  it("tells a ciphertext sealed under an older key from one under the current key", () => {
    const rotated = new PersonalDataCipher({ dataKeys: { k2, k1 }, currentKeyId: "k2", lookupKey });
    expect(rotated.isSealedUnderOldKey(cipher.encrypt("x"))).toBe(true);
    expect(rotated.isSealedUnderOldKey(rotated.encrypt("x"))).toBe(false);
    // A key id that merely starts like the current one is another key.
    const k22 = new PersonalDataCipher({ dataKeys: { k22: generateKey() }, currentKeyId: "k22", lookupKey });
    expect(rotated.isSealedUnderOldKey(k22.encrypt("x"))).toBe(true);
  });

  it("refuses a current key id it does not hold", () => {
    expect(() => new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k2", lookupKey })).toThrow(/k2/);
  });

  it("refuses keys that are not 32 bytes", () => {
    const short = crypto.randomBytes(16).toString("base64");
    const long = crypto.randomBytes(33).toString("base64");
    expect(() => new PersonalDataCipher({ dataKeys: { k1: short }, currentKeyId: "k1", lookupKey })).toThrow(/32 bytes/);
    expect(() => new PersonalDataCipher({ dataKeys: { k1: long }, currentKeyId: "k1", lookupKey })).toThrow(/32 bytes/);
    expect(() => new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey: short })).toThrow(/lookup key/);
  });

  describe("lookupHash", () => {
    it("is stable for the same value and the same key", () => {
      const again = new PersonalDataCipher({ dataKeys: { k2 }, currentKeyId: "k2", lookupKey });
      expect(cipher.lookupHash("11010519491231002X")).toBe(cipher.lookupHash("11010519491231002X"));
      // It depends on the lookup key only, not on the data keys.
      expect(again.lookupHash("11010519491231002X")).toBe(cipher.lookupHash("11010519491231002X"));
    });

    it("is an HMAC-SHA256 and does not reveal the value", () => {
      const hash = cipher.lookupHash("13812345678");
      expect(Buffer.from(hash, "base64url")).toHaveLength(32);
      expect(hash).not.toContain("13812345678");
    });

    it("normalises spaces, dashes and a lower-case x", () => {
      const expected = cipher.lookupHash("11010519491231002X");
      expect(cipher.lookupHash("11010519491231002x")).toBe(expected);
      expect(cipher.lookupHash(" 110105 19491231 002X ")).toBe(expected);
      expect(cipher.lookupHash("110105-19491231-002x")).toBe(expected);
      expect(cipher.lookupHash("138-1234 5678")).toBe(cipher.lookupHash("13812345678"));
    });

    it("during a lookup key rotation hashes under the first key and matches under every key", () => {
      const newKey = generateKey();
      const rotating = new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey: `${newKey}, ${lookupKey}` });
      const fresh = new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey: newKey });
      expect(rotating.rotatingLookupKey).toBe(true);
      expect(cipher.rotatingLookupKey).toBe(false);
      expect(rotating.lookupHash("13812345678")).toBe(fresh.lookupHash("13812345678"));
      expect(rotating.lookupHashes("13812345678")).toEqual([fresh.lookupHash("13812345678"), cipher.lookupHash("13812345678")]);
      expect(() => new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey: `${newKey},short` })).toThrow(/lookup key/);
    });

    it("differs for different values and under a different lookup key", () => {
      expect(cipher.lookupHash("13812345678")).not.toBe(cipher.lookupHash("13812345679"));
      const other = new PersonalDataCipher({ dataKeys: { k1 }, currentKeyId: "k1", lookupKey: generateKey() });
      expect(other.lookupHash("13812345678")).not.toBe(cipher.lookupHash("13812345678"));
    });
  });
});

describe("masking", () => {
  it("masks an ID number to its first and last four characters", () => {
    expect(maskIdNumber("110101199003071234")).toBe("1101**********1234");
    expect(maskIdNumber("11010519491231002x")).toBe("1101**********002X");
    expect(maskIdNumber("110105 19491231 002X")).toBe("1101**********002X");
    expect(maskIdNumber("12345678")).toBe("********");
  });

  it("masks a phone number to its first three and last four digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("138 1234 5678")).toBe("138****5678");
    expect(maskPhone("0871-1234567")).toBe("087****4567");
    expect(maskPhone("12345")).toBe("*****");
  });

  it("masks a bank account to its first and last four digits, hiding its length", () => {
    expect(maskBankAccount("6217995510001234567")).toBe("6217 **** **** 4567");
    expect(maskBankAccount("6217 9955 1000 1234")).toBe("6217 **** **** 1234");
    expect(maskBankAccount("621799551000")).toBe("6217 **** **** 1000");
    expect(maskBankAccount("62179955")).toBe("********");
  });

  it("masks ID numbers, mobile phones and account numbers inside free text, and nothing else", () => {
    expect(maskDigitsInText("/api/staff/cases?q=11010519491231002X&limit=20")).toBe("/api/staff/cases?q=1101**********002X&limit=20");
    expect(maskDigitsInText("/api/households?q=13812345678")).toBe("/api/households?q=138****5678");
    expect(maskDigitsInText("account 6217995510001234567.")).toBe("account 6217 **** **** 4567.");
    // Case numbers, dates, short numbers and the digit groups of an id stay as they are.
    for (const text of [
      "/api/me/cases/2026-000123",
      "/api/staff/ledgers/queue?from=2026-11-01",
      "limit=100",
      "/api/staff/cases/0196a1b2-7c3d-7e4f-8a9b-123456789012",
    ]) {
      expect(maskDigitsInText(text)).toBe(text);
    }
  });

  it("keeps only the first character of a name", () => {
    expect(maskName("张三丰")).toBe("张**");
    expect(maskName("李四")).toBe("李*");
    expect(maskName(" 王 ")).toBe("王");
    expect(maskName("欧阳娜娜")).toBe("欧***");
    expect(maskName("")).toBe("");
  });

  it("counts characters outside the basic plane as one", () => {
    // 𠀀 is a single character made of two UTF-16 code units.
    expect(maskName("𠀀二三")).toBe("𠀀**");
  });
});

describe("timingSafeEqualText", () => {
  it("compares strings of any length without throwing", () => {
    expect(timingSafeEqualText("5678", "5678")).toBe(true);
    expect(timingSafeEqualText("5678", "5679")).toBe(false);
    expect(timingSafeEqualText("5678", "56789")).toBe(false);
    expect(timingSafeEqualText("", "")).toBe(true);
  });
});
