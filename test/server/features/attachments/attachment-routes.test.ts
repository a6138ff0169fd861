import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

/** A real 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

function multipart(filename: string, content: Buffer, contentType: string) {
  const boundary = "----test-boundary";
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe(`attachments (${testDatabaseKind})`, () => {
  let t: TestApp;
  let resident: string;
  beforeAll(async () => {
    t = await createTestApp({ maxUploadBytes: 64 * 1024 });
    resident = await t.residentToken("photographer");
  });
  afterAll(() => t.close());

  const upload = (token: string, body: ReturnType<typeof multipart>) =>
    t.app.inject({
      method: "POST",
      url: "/api/attachments",
      headers: { ...body.headers, authorization: `Bearer ${token}` },
      payload: body.payload,
    });

  it("keeps a photo by its content hash and links it to the case it is submitted with", async () => {
    const uploaded = await upload(resident, multipart("house.png", png, "image/png"));
    expect(uploaded.statusCode).toBe(201);
    const row = await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id: uploaded.json().id } });
    // Photos are stored re-encoded (test/server/features/attachments/attachment-service.test.ts): still a PNG, under its own hash.
    const stored = fs.readFileSync(path.join(t.config.dataDir, "attachments", row.sha256.slice(0, 2), row.sha256));
    expect(stored.subarray(0, 8)).toEqual(png.subarray(0, 8));
    expect(uploaded.json()).toMatchObject({ kind: "PHOTO", mimeType: "image/png", size: stored.length });

    const ack = (await t.submit(resident, { description: "房子墙裂了很危险", regionCode: "990101001001", attachmentIds: [row.id] })).json();
    const county = await t.staffToken("county");
    const detail = await t.app.inject({
      method: "GET",
      url: `/api/staff/cases/${ack.caseId}`,
      headers: { authorization: `Bearer ${county}` },
    });
    expect(detail.json().attachments).toEqual([{ id: row.id, kind: "PHOTO", mimeType: "image/png", size: stored.length }]);
  });

  it("keeps a home visit's photos with the case, and only the visitor's own uploads", async () => {
    const ack = (await t.submit(resident, { description: "房子墙裂了很危险", regionCode: "990101001001" })).json();
    const village = await t.staffToken("village-shimen");
    const photo = (await upload(village, multipart("visit.png", png, "image/png"))).json();
    const notMine = (await upload(resident, multipart("mine.png", png, "image/png"))).json();
    const task = await t.database.db.prisma.caseTask.findFirstOrThrow({ where: { caseId: ack.caseId, status: "OPEN" } });
    const body = (photoIds: string[]) => ({
      type: "RECORD_HOME_VISIT",
      visitedAt: "2026-11-25T01:00:00Z",
      investigators: ["赵书记", "刘芳"],
      findings: {
        annualIncome: 6000,
        rigidExpenses: 0,
        foodAndClothing: "SECURE",
        education: "SECURE",
        medical: "SECURE",
        housing: "AT_RISK",
        drinkingWater: "SECURE",
      },
      photoIds,
    });
    const refused = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: body([photo.id, notMine.id]),
    });
    expect(refused.json().code).toBe("ATTACHMENT_NOT_FOUND");
    expect(await t.database.db.prisma.caseTask.count({ where: { id: task.id, status: "OPEN" } })).toBe(1);
    const done = await t.app.inject({
      method: "POST",
      url: `/api/staff/tasks/${task.id}/actions`,
      headers: { authorization: `Bearer ${village}` },
      payload: body([photo.id]),
    });
    expect(done.statusCode).toBe(200);
    const detail = (
      await t.app.inject({ method: "GET", url: `/api/staff/cases/${ack.caseId}`, headers: { authorization: `Bearer ${village}` } })
    ).json();
    expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([photo.id]);
  });

  it("shows a case's photo to staff whose region holds the case, and to nobody else", async () => {
    const uploaded = (await upload(resident, multipart("wall.png", png, "image/png"))).json();
    const ack = (
      await t.submit(resident, { description: "房子墙裂了很危险", regionCode: "990101001001", attachmentIds: [uploaded.id] })
    ).json();
    const get = async (token: string | null) =>
      t.app.inject({
        method: "GET",
        url: `/api/staff/attachments/${uploaded.id}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });

    const seen = await get(await t.staffToken("township-liuxi"));
    expect(seen.statusCode).toBe(200);
    expect(seen.headers["content-type"]).toBe("image/png");
    expect(seen.headers["cache-control"]).toBe("private, no-store");
    const row = await t.database.db.prisma.attachment.findUniqueOrThrow({ where: { id: uploaded.id } });
    expect(seen.rawPayload).toEqual(fs.readFileSync(path.join(t.config.dataDir, "attachments", row.sha256.slice(0, 2), row.sha256)));
    expect(ack.routedTo.regionCode).toBe("990101001001");

    expect((await get(await t.staffToken("township-yunling"))).statusCode).toBe(404);
    expect((await get(await t.staffToken("grid-shimen"))).statusCode).toBe(403);
    expect((await get(resident)).statusCode).toBe(403);
    expect((await get(null)).statusCode).toBe(401);
    // An upload not (yet) on any case is nobody's to view.
    const loose = (await upload(resident, multipart("loose.png", png, "image/png"))).json();
    expect(
      (
        await t.app.inject({
          method: "GET",
          url: `/api/staff/attachments/${loose.id}`,
          headers: { authorization: `Bearer ${await t.staffToken("county")}` },
        })
      ).statusCode,
    ).toBe(404);
  });

  it("judges a file by its bytes, not its name or claimed type", async () => {
    const disguised = await upload(resident, multipart("photo.jpg", Buffer.from("#!/bin/sh\nrm -rf /\n"), "image/jpeg"));
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().code).toBe("UNSUPPORTED_FILE_TYPE");
  });

  it("refuses files over the size limit", async () => {
    const big = Buffer.concat([png, Buffer.alloc(70 * 1024)]);
    const response = await upload(resident, multipart("big.png", big, "image/png"));
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("does not let one resident attach another's upload", async () => {
    const mine = (await upload(resident, multipart("a.png", png, "image/png"))).json();
    const other = await t.residentToken("someone-else");
    const response = await t.submit(other, { description: "想用别人的照片", attachmentIds: [mine.id] });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("ATTACHMENT_NOT_FOUND");
  });
});
