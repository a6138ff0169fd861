import { describe, expect, it } from "vitest";
import { caseNumberSchema, idNumberSchema, isValidIdNumber, phoneSchema, regionCodeSchema } from "../../../server/core/vocabulary.ts";

/**
 * GB 11643 check character, computed from the ISO 7064 MOD 11-2 definition
 * (weight of position i, counted from the right starting at 2, is 2^(i-1) mod 11;
 * check value = (12 − sum mod 11) mod 11, with 10 written as X).
 */
function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const weight = 2 ** (17 - i) % 11;
    sum += weight * Number(first17[i]);
  }
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? "X" : String(value);
}

/** A deterministic pseudo-random sequence, so failures are reproducible. */
function* digits(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state % 10;
  }
}

function sampleIds(count: number): string[] {
  const gen = digits(42);
  return Array.from({ length: count }, () => {
    const body = Array.from({ length: 17 }, () => gen.next().value as number).join("");
    return body + checkChar(body);
  });
}

describe("isValidIdNumber", () => {
  it("agrees with the independent check on the published sample", () => {
    expect(checkChar("11010519491231002")).toBe("X");
    expect(isValidIdNumber("11010519491231002X")).toBe(true);
  });

  it("accepts the example number of the standard itself", () => {
    expect(checkChar("44052418800101001")).toBe("4");
    expect(isValidIdNumber("440524188001010014")).toBe(true);
  });

  it("rejects the popular made-up number whose check character is wrong", () => {
    expect(checkChar("11010119900307123")).toBe("3");
    expect(isValidIdNumber("110101199003071234")).toBe(false);
    expect(isValidIdNumber("110101199003071233")).toBe(true);
  });

  it("rejects the sample with any other check character", () => {
    for (const c of "0123456789") expect(isValidIdNumber(`11010519491231002${c}`)).toBe(false);
  });

  it("accepts generated numbers and rejects every wrong check character", () => {
    const samples = sampleIds(200);
    expect(samples.some((id) => id.endsWith("X"))).toBe(true);
    for (const id of samples) {
      expect(isValidIdNumber(id)).toBe(true);
      for (const c of "0123456789X") if (c !== id[17]) expect(isValidIdNumber(id.slice(0, 17) + c)).toBe(false);
    }
  });

  it("rejects a changed body digit", () => {
    // Changing the birth year 1949 → 1959 breaks the check.
    expect(isValidIdNumber("11010519591231002X")).toBe(false);
  });

  it("rejects wrong shapes", () => {
    expect(isValidIdNumber("11010519491231002x")).toBe(false); // only upper-case X here; the schema upper-cases
    expect(isValidIdNumber("1101051949123100X")).toBe(false);
    expect(isValidIdNumber("11010519491231002X0")).toBe(false);
    expect(isValidIdNumber("1101051949123100XX")).toBe(false);
    expect(isValidIdNumber("")).toBe(false);
  });
});

describe("idNumberSchema", () => {
  it("accepts a lower-case x and upper-cases it", () => {
    expect(idNumberSchema.parse("11010519491231002x")).toBe("11010519491231002X");
    expect(idNumberSchema.parse("  11010519491231002X ")).toBe("11010519491231002X");
  });

  it("rejects a wrong check character with the validation key", () => {
    const result = idNumberSchema.safeParse("110105194912310021");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("validation.idNumber");
  });
});

describe("phoneSchema", () => {
  it("accepts a mobile number with spaces and removes them", () => {
    expect(phoneSchema.parse("138 1234 5678")).toBe("13812345678");
    expect(phoneSchema.parse(" 13812345678 ")).toBe("13812345678");
    expect(phoneSchema.parse("138-1234-5678")).toBe("13812345678");
  });

  it("accepts a landline with its area code", () => {
    expect(phoneSchema.parse("0871-1234567")).toBe("08711234567");
    expect(phoneSchema.parse("010-12345678")).toBe("01012345678");
  });

  it.each(["12345", "", "2381234567", "138123456789", "1381234567a", "0871-123"])("rejects %j", (value) => {
    const result = phoneSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("validation.phone");
  });
});

describe("caseNumberSchema", () => {
  it("accepts the dashed form as is", () => {
    expect(caseNumberSchema.parse("2026-000123")).toBe("2026-000123");
    expect(caseNumberSchema.parse(" 2026-000123 ")).toBe("2026-000123");
  });

  it("adds the dash after the year", () => {
    expect(caseNumberSchema.parse("2026000123")).toBe("2026-000123");
    expect(caseNumberSchema.parse("20261234567")).toBe("2026-1234567");
  });

  it.each(["abc", "", "2026-123", "26-000123", "2026--000123", "2026-00012a"])("rejects %j", (value) => {
    const result = caseNumberSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("validation.caseNumber");
  });
});

describe("regionCodeSchema", () => {
  it("accepts 6 to 15 digits only", () => {
    expect(regionCodeSchema.safeParse("990101").success).toBe(true);
    expect(regionCodeSchema.safeParse("990101001001001").success).toBe(true);
    expect(regionCodeSchema.safeParse("99010").success).toBe(false);
    expect(regionCodeSchema.safeParse("9901010010010011").success).toBe(false);
    expect(regionCodeSchema.safeParse("99010a").success).toBe(false);
  });
});
