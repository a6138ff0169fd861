import { describe, expect, it } from "vitest";
import { compareKeyFingerprints, fingerprint } from "../../../../server/platform/keys/key-fingerprints.ts";
import { generateKey } from "../../../../server/core/personal-data.ts";

const [k1, k2, lookupOld, lookupNew] = [generateKey(), generateKey(), generateKey(), generateKey()];
const recorded = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("compareKeyFingerprints", () => {
  it("records the keys of a database's first start", () => {
    const { mismatched, records } = compareKeyFingerprints(recorded({}), { dataKeys: { k1 }, lookupKeys: [lookupOld] });
    expect(mismatched).toEqual([]);
    expect(Object.fromEntries(records)).toEqual({ "data:k1": fingerprint(k1), lookup: fingerprint(lookupOld) });
  });

  it("accepts the same keys again and writes nothing", () => {
    const { mismatched, records } = compareKeyFingerprints(recorded({ "data:k1": fingerprint(k1), lookup: fingerprint(lookupOld) }), {
      dataKeys: { k1 },
      lookupKeys: [lookupOld],
    });
    expect(mismatched).toEqual([]);
    expect(records.size).toBe(0);
  });

  it("refuses a data key id bound to another key, and a lookup key the data was not hashed with", () => {
    const { mismatched } = compareKeyFingerprints(recorded({ "data:k1": fingerprint(k1), lookup: fingerprint(lookupOld) }), {
      dataKeys: { k1: k2 },
      lookupKeys: [lookupNew],
    });
    expect(mismatched).toEqual(["DATA_KEYS k1", "LOOKUP_KEY"]);
  });

  it("follows a rotation: a new data key id is recorded, and the new lookup key once it is first beside the old", () => {
    const before = recorded({ "data:k1": fingerprint(k1), lookup: fingerprint(lookupOld) });
    const during = compareKeyFingerprints(before, { dataKeys: { k2, k1 }, lookupKeys: [lookupNew, lookupOld] });
    expect(during.mismatched).toEqual([]);
    expect(Object.fromEntries(during.records)).toEqual({ "data:k2": fingerprint(k2), lookup: fingerprint(lookupNew) });
    // The old keys dropped after the rotation: the records now name the new ones.
    const after = compareKeyFingerprints(new Map([...before, ...during.records]), { dataKeys: { k2 }, lookupKeys: [lookupNew] });
    expect(after).toEqual({ mismatched: [], records: new Map() });
  });
});
