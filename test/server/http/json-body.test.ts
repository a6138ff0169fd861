import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";

describe("JSON bodies", () => {
  let t: TestApp;
  let resident: string;
  beforeAll(async () => {
    t = await createTestApp({ jsonMaxDepth: 8, bodyLimitBytes: 4096 });
    resident = await t.residentToken("json-body");
  });
  afterAll(() => t.close());

  let key = 0;
  const post = (payload: string, locale = "zh-CN") =>
    t.app.inject({
      method: "POST",
      url: "/api/cases",
      headers: {
        authorization: `Bearer ${resident}`,
        "idempotency-key": `json-body-${++key}`,
        "content-type": "application/json; charset=utf-8",
        "accept-language": locale,
      },
      payload,
    });
  const nested = (depth: number) => `${"[".repeat(depth - 1)}{"a":1}${"]".repeat(depth - 1)}`;

  it("refuses nesting beyond the configured depth with a localized 400, before validation", async () => {
    const deep = JSON.stringify({
      description: "家里有困难",
      applicantName: "甲",
      phone: "13512345678",
      consent: { personalInformation: true },
      household: JSON.parse(nested(9)),
    });
    const zh = await post(deep);
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({ code: "JSON_TOO_DEEP", message: expect.stringContaining("最多 8 层") });
    expect((await post(deep, "en")).json().message).toContain("at most 8 levels");
    // Within the limit the body is parsed and reaches validation as before.
    const shallow = await post(
      JSON.stringify({
        description: "家里有困难",
        applicantName: "甲",
        phone: "13512345678",
        consent: { personalInformation: true },
        household: JSON.parse(nested(6)),
      }),
    );
    expect(shallow.statusCode).toBe(400);
    expect(shallow.json().code).toBe("VALIDATION_FAILED");
  });

  it("refuses a body nested thousands of levels deep without parsing it", async () => {
    const hostile = "[".repeat(4000);
    const answer = await post(hostile);
    expect(answer.statusCode).toBe(400);
    expect(answer.json().code).toBe("JSON_TOO_DEEP");
  });

  it("keeps Fastify's protection against prototype poisoning", async () => {
    for (const payload of ['{"__proto__":{"admin":true}}', '{"a":{"constructor":{"prototype":{"admin":true}}}}']) {
      const answer = await post(payload);
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ code: "MALFORMED_JSON", message: expect.any(String) });
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses text no database can store (NUL, half a surrogate pair) in words, in the body, the query and the path", async () => {
    const nul = await post(
      JSON.stringify({
        description: "家里房子\u0000漏雨",
        applicantName: "张三",
        phone: "13512345678",
        consent: { personalInformation: true },
      }),
    );
    expect(nul.statusCode).toBe(400);
    expect(nul.json().fields).toEqual([{ path: "description", message: "困难情况:含有无法保存的字符(例如空字符),请删掉后重新输入" }]);
    const half = await post(
      JSON.stringify({
        description: "家里房子漏雨\ud800",
        applicantName: "张三",
        phone: "13512345678",
        consent: { personalInformation: true },
      }),
    );
    expect(half.json().fields[0].path).toBe("description");
    const grid = await t.staffToken("grid-shimen");
    const query = await t.app.inject({
      method: "GET",
      url: "/api/households?q=%E5%BC%A0%00",
      headers: { authorization: `Bearer ${grid}` },
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().fields[0].path).toBe("querystring.q");
    const path = await t.app.inject({ method: "GET", url: "/api/me/cases/2026-%00", headers: { authorization: `Bearer ${resident}` } });
    expect(path.statusCode).toBe(400);
    expect(path.json().code).toBe("VALIDATION_FAILED");
  });

  it("answers malformed, empty and oversized bodies in words, never with a 500", async () => {
    const malformed = await post('{"description": "半截');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: "MALFORMED_JSON", message: expect.stringContaining("格式不对") });
    expect((await post("")).json().code).toBe("MALFORMED_JSON");
    const oversized = await post(JSON.stringify({ description: "困".repeat(5000) }), "en");
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: "What you sent is too large." });
  });
});
