import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/test-app.ts";
import { testDatabaseKind } from "../../helpers/test-database.ts";

describe(`bad input (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;

  beforeAll(async () => {
    t = await createTestApp();
    resident = await t.residentToken("validation");
  });
  afterAll(() => t.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: "POST",
      url: "/api/cases",
      headers: { authorization: `Bearer ${resident}`, "idempotency-key": `v-${Math.random()}`, ...headers },
      payload: payload as object,
    });

  it("answers 400 with one localized message per field, in Chinese by default", async () => {
    const response = await post({
      description: "难",
      applicantName: "",
      phone: "12345",
      idNumber: "110101199003071235",
      consent: { personalInformation: false },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.message).toBe("提交的信息有误,请按提示修改后再试。");
    const byPath = Object.fromEntries(body.fields.map((f: { path: string; message: string }) => [f.path, f.message]));
    expect(byPath.phone).toBe("手机号:请填写正确的手机号(11 位)或带区号的座机号");
    expect(byPath.idNumber).toBe("身份证号:身份证号不正确,请核对(18 位,最后一位可能是 X)");
    expect(byPath.description).toBe("困难情况:请多说几句遇到的困难(至少 4 个字)");
    expect(byPath["consent.personalInformation"]).toBe("个人信息处理同意:需要您同意个人信息处理说明后才能提交");
    expect(byPath.applicantName).toMatch(/^申请人姓名:/);
    expect(Object.keys(byPath)).toHaveLength(5);
  });

  it("words the same errors in English when asked", async () => {
    const response = await post(
      { description: "x", applicantName: "A", phone: "12345", consent: { personalInformation: true } },
      { "accept-language": "en" },
    );
    const fields = response.json().fields as { path: string; message: string }[];
    expect(response.json().message).toMatch(/^Some of the information is not right/);
    expect(fields.find((f) => f.path === "phone")?.message).toBe(
      "Phone: Enter a valid mobile number (11 digits) or a landline with its area code",
    );
    expect(fields.find((f) => f.path === "description")?.message).toMatch(/^Description: Please say a little more/);
  });

  it("words zod's own checks (type, missing) through zod's locale", async () => {
    const response = await post({ description: 12345, consent: { personalInformation: true } });
    const fields = response.json().fields as { path: string; message: string }[];
    expect(fields.find((f) => f.path === "description")?.message).toMatch(/^困难情况:无效输入.*期望 string.*数字/);
    expect(fields.find((f) => f.path === "applicantName")?.message).toMatch(/^申请人姓名:无效输入/);
  });

  it("rejects unknown fields by name", async () => {
    const response = await post({
      description: "家里有困难",
      applicantName: "甲",
      phone: "13512345678",
      consent: { personalInformation: true },
      isAdmin: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([{ path: "", message: "提交内容:包含不认识的字段:isAdmin" }]);
  });

  it("requires an idempotency key and names it", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/cases",
      headers: { authorization: `Bearer ${resident}` },
      payload: { description: "家里有困难", applicantName: "甲", phone: "13512345678", consent: { personalInformation: true } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields[0]).toMatchObject({ path: "headers.idempotency-key", message: expect.stringMatching(/^提交编号:/) });
  });

  it("refuses malformed JSON and oversized bodies with a clear answer, not a 500", async () => {
    const malformed = await t.app.inject({
      method: "POST",
      url: "/api/cases",
      headers: { authorization: `Bearer ${resident}`, "idempotency-key": "malformed-1", "content-type": "application/json" },
      payload: "{ not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe("MALFORMED_JSON");

    const huge = await post({
      description: "困".repeat(300_000),
      applicantName: "甲",
      phone: "13512345678",
      consent: { personalInformation: true },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("leaves nothing behind when a submission fails half-way (an attachment that is not the caller's)", async () => {
    const casesBefore = await t.database.db.prisma.case.count();
    const eventsBefore = await t.database.db.prisma.caseEvent.count();
    const consentsBefore = await t.database.db.prisma.consent.count();
    const response = await post({
      description: "房子漏雨塌了一半",
      applicantName: "甲",
      phone: "13512345678",
      consent: { personalInformation: true },
      attachmentIds: ["7f1c1a4e-5a43-4d4b-9a55-0f6e3c6f1a11"],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("ATTACHMENT_NOT_FOUND");
    expect(await t.database.db.prisma.case.count()).toBe(casesBefore);
    expect(await t.database.db.prisma.caseEvent.count()).toBe(eventsBefore);
    expect(await t.database.db.prisma.consent.count()).toBe(consentsBefore);
  });

  it("rejects a region code that does not exist", async () => {
    const response = await post({
      description: "家里有困难",
      applicantName: "甲",
      phone: "13512345678",
      consent: { personalInformation: true },
      regionCode: "990199999999",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("UNKNOWN_REGION");
    expect(response.json().fields[0].path).toBe("regionCode");
  });

  it("validates query strings too", async () => {
    const staff = await t.staffToken("county");
    const response = await t.app.inject({
      method: "GET",
      url: "/api/staff/cases?limit=1000&riskType=ALIENS",
      headers: { authorization: `Bearer ${staff}` },
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(["querystring.limit", "querystring.riskType"]);
  });
});
