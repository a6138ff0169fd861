import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentKey, LocalFileStore } from "../../../../server/platform/file-store.ts";
import { PersonalDataCipher } from "../../../../server/core/personal-data.ts";
import { resolveSecrets } from "../../../../server/platform/keys/secrets.ts";
import { demoIdNumber } from "../../../../server/demo/demo-county.ts";
import { RetentionService, erasedName } from "../../../../server/features/personal-data/retention.ts";
import { createTestApp, type TestApp } from "../../../helpers/test-app.ts";
import { testDatabaseKind } from "../../../helpers/test-database.ts";

const day = 86_400_000;
const year = 365 * day;

describe(`retention policy (${testDatabaseKind})`, () => {
  let t: TestApp;
  let cipher: PersonalDataCipher;
  let retention: RetentionService;
  const policy = { personalDataYears: 5, transientDays: 30, accessLogDays: 1095, screeningFileDays: 90 };
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  // The database's own clock decides which access-log entries it lets go, so this test runs on real time.
  const now = new Date();
  let old: { caseId: string; number: string };
  let open: { caseId: string; number: string };
  let recent: { caseId: string; number: string };
  let resident: string;
  const files: Record<"shared" | "own", string> = { shared: "", own: "" };
  /** Department screening files by name: stored 100 days ago only, 100 and 10 days ago (the same bytes twice), 10 days ago. */
  const screening: Record<"old" | "storedAgain" | "recent", { path: string; importIds: string[] }> = {
    old: { path: "", importIds: [] },
    storedAgain: { path: "", importIds: [] },
    recent: { path: "", importIds: [] },
  };

  beforeAll(async () => {
    t = await createTestApp();
    const prisma = t.database.db.prisma;
    cipher = new PersonalDataCipher(resolveSecrets(t.config, false));
    retention = new RetentionService({ prisma, cipher, now: () => new Date(t.clock.now) }, new LocalFileStore(t.config.dataDir));
    resident = await t.residentToken("retained");

    // Six years ago: a rejected application with everything personal in it, and a report still open.
    t.clock.now = new Date(now.getTime() - 6 * year);
    old = (
      await t.submit(resident, {
        kind: "ASSISTANCE_APPLICATION",
        description: "老伴得了癌症住院,家里欠了很多钱",
        applicantName: "钱大爷",
        phone: "13577778888",
        idNumber: demoIdNumber("1950-05-05", 11),
        address: "石门村三组",
        regionCode: "990101001001",
        bankAccount: { bankName: "青山县农村信用合作联社", accountNumber: "6217995510007776665" },
        household: {
          members: [{ name: "钱大爷", relation: "HEAD", birthYear: 1950, labourCapacity: "NONE", health: "SERIOUS_ILLNESS" }],
          incomes: [],
          expenses: [],
        },
        consent: { personalInformation: true, familyEconomicCheck: true },
      })
    ).json();
    open = (await t.submit(resident, { description: "房子漏雨需要修", regionCode: "990101001001", phone: "13577779999" })).json();
    // Two years ago: a withdrawn one, decided recently enough to keep.
    t.clock.now = new Date(now.getTime() - 2 * year);
    recent = (await t.submit(resident, { description: "孩子上学交不起学费", regionCode: "990101001001", phone: "13577770000" })).json();
    await prisma.case.update({ where: { id: old.caseId }, data: { status: "REJECTED", stage: "NOT_IDENTIFIED" } });
    await prisma.case.update({ where: { id: recent.caseId }, data: { status: "WITHDRAWN" } });

    // Photos: one only the old case has, one the open case has too (files are kept once per content).
    for (const [name, caseIds] of [
      ["own", [old.caseId]],
      ["shared", [old.caseId, open.caseId]],
    ] as const) {
      const sha256 = crypto.createHash("sha256").update(name).digest("hex");
      files[name] = path.join(t.config.dataDir, contentKey("attachments", sha256));
      fs.mkdirSync(path.dirname(files[name]), { recursive: true });
      fs.writeFileSync(files[name], name);
      for (const caseId of caseIds)
        await prisma.attachment.create({
          data: { sha256, kind: "PHOTO", mimeType: "image/png", size: 5, caseId, uploadedByType: "RESIDENT", uploadedById: "x" },
        });
    }

    const uploader = await prisma.staffAccount.findUniqueOrThrow({ where: { username: "county" } });
    for (const [name, storedDaysAgo] of [
      ["old", [100]],
      ["storedAgain", [100, 10]],
      ["recent", [10]],
    ] as const) {
      const sha256 = crypto.createHash("sha256").update(`screening ${name}`).digest("hex");
      screening[name].path = path.join(t.config.dataDir, contentKey("screening", sha256));
      fs.mkdirSync(path.dirname(screening[name].path), { recursive: true });
      fs.writeFileSync(screening[name].path, "身份证号,姓名\n");
      for (const [i, days] of storedDaysAgo.entries()) {
        const at = new Date(now.getTime() - days * day);
        const row = await prisma.screeningImport.create({
          data: {
            department: "HEALTH_INSURANCE",
            period: `2026-0${i + 1}`,
            fileSha256: sha256,
            fileName: `${name}.csv`,
            fileSize: 12,
            format: "csv",
            regionPath: "990101/",
            headers: ["身份证号", "姓名"],
            headerRow: 1,
            uploadedById: uploader.id,
            createdAt: at,
            fileStoredAt: at,
          },
        });
        screening[name].importIds.push(row.id);
      }
    }

    // The bot's transient records, old and new.
    const oldTime = new Date(now.getTime() - 40 * day);
    await prisma.botMessage.createMany({
      data: [
        { messageId: "m-old", senderId: "s", replies: ["您的电话 13577778888"], createdAt: oldTime },
        { messageId: "m-new", senderId: "s", replies: [], createdAt: now },
      ],
    });
    await prisma.botPush.createMany({
      data: [
        {
          recipientId: "s",
          topic: "case:1",
          text: "old, delivered",
          notBefore: oldTime,
          createdAt: oldTime,
          sentAt: oldTime,
          deliveredAt: oldTime,
        },
        { recipientId: "s", topic: "case:2", text: "old, never delivered", notBefore: oldTime, createdAt: oldTime },
      ],
    });
    await prisma.botConversation.createMany({
      data: [
        { senderId: "idle", state: { step: "report", draft: { phone: "13577778888" } }, updatedAt: oldTime },
        { senderId: "talking", state: { step: "idle" }, updatedAt: now },
      ],
    });

    // A county view six years ago and one today.
    const county = await t.staffToken("county");
    t.clock.now = new Date(now.getTime() - 6 * year);
    expect((await t.app.inject({ method: "GET", url: `/api/staff/cases/${old.caseId}`, headers: auth(county) })).statusCode).toBe(200);
    t.clock.now = now;
    expect((await t.app.inject({ method: "GET", url: `/api/staff/cases/${old.caseId}`, headers: auth(county) })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it("erases nothing while the policy keeps personal data for ever", async () => {
    const report = await retention.run({
      ...policy,
      personalDataYears: 0,
      transientDays: 10_000,
      accessLogDays: 100_000,
      screeningFileDays: 0,
    });
    expect(report).toEqual({
      casesErased: 0,
      attachmentFilesDeleted: 0,
      botMessagesDeleted: 0,
      botPushesDeleted: 0,
      botConversationsDeleted: 0,
      accessLogEntriesDeleted: 0,
      screeningFilesDeleted: 0,
    });
    expect(Object.values(screening).every((file) => fs.existsSync(file.path))).toBe(true);
  });

  it("erases the personal data of cases decided long ago, keeping the case number, events and figures", async () => {
    const prisma = t.database.db.prisma;
    const before = await prisma.case.findUniqueOrThrow({ where: { id: old.caseId }, include: { events: true } });
    const report = await retention.run(policy);
    expect(report).toMatchObject({
      casesErased: 1,
      attachmentFilesDeleted: 1,
      botMessagesDeleted: 1,
      botPushesDeleted: 1,
      botConversationsDeleted: 1,
      accessLogEntriesDeleted: 1,
      screeningFilesDeleted: 1,
    });

    const after = await prisma.case.findUniqueOrThrow({
      where: { id: old.caseId },
      include: { events: { orderBy: { id: "asc" } }, consents: true, attachments: true },
    });
    expect(after).toMatchObject({
      number: before.number,
      kind: before.kind,
      riskTypes: before.riskTypes,
      regionId: before.regionId,
      status: "REJECTED",
      applicantName: erasedName,
      description: "",
      addressText: null,
      applicantIdNumberEnc: null,
      applicantIdNumberHash: null,
      declaredHouseholdEnc: null,
      bankName: null,
      bankAccountEnc: null,
      bankAccountHash: null,
      personalDataErasedAt: now,
    });
    expect(cipher.decrypt(after.contactPhoneEnc)).toBe("");
    expect(after.events.slice(0, -1)).toEqual(before.events.sort((a, b) => Number(a.id - b.id)));
    expect(after.events.at(-1)).toMatchObject({ action: "PERSONAL_DATA_ERASED", actorType: "SYSTEM", at: now });
    expect(after.consents.length).toBeGreaterThan(0);
    expect(after.consents.every((c) => c.grantorName === erasedName)).toBe(true);
    expect(after.attachments).toEqual([]);
    expect(fs.existsSync(files.own)).toBe(false);
    expect(fs.existsSync(files.shared)).toBe(true);

    // The others are untouched: one still open, one decided two years ago.
    for (const kept of [open, recent]) {
      const c = await prisma.case.findUniqueOrThrow({ where: { id: kept.caseId }, include: { attachments: true } });
      expect(c.personalDataErasedAt).toBeNull();
      expect(c.applicantName).toBe("测试人");
    }
    expect(await prisma.attachment.count({ where: { caseId: open.caseId } })).toBe(1);

    expect((await prisma.botMessage.findMany({ where: { senderId: "s" } })).map((m) => m.messageId)).toEqual(["m-new"]);
    expect((await prisma.botPush.findMany({ where: { recipientId: "s" } })).map((p) => p.text)).toEqual(["old, never delivered"]);
    expect((await prisma.botConversation.findMany({ where: { senderId: { in: ["idle", "talking"] } } })).map((c) => c.senderId)).toEqual([
      "talking",
    ]);
    const accesses = await prisma.staffAccessLog.findMany({ where: { caseId: old.caseId } });
    expect(accesses.map((a) => a.at)).toEqual([now]);

    // A second run has nothing left to do.
    expect(await retention.run(policy)).toMatchObject({
      casesErased: 0,
      attachmentFilesDeleted: 0,
      accessLogEntriesDeleted: 0,
      screeningFilesDeleted: 0,
    });
  });

  it("deletes a department's screening file once kept its days, unless the same bytes were stored again since, and keeps the import's results", async () => {
    const imports = await t.database.db.prisma.screeningImport.findMany({
      where: { id: { in: Object.values(screening).flatMap((file) => file.importIds) } },
    });
    const deletedAt = (id: string) => imports.find((row) => row.id === id)!.fileDeletedAt;
    expect(fs.existsSync(screening.old.path)).toBe(false);
    expect(deletedAt(screening.old.importIds[0]!)).toEqual(now);
    for (const kept of [screening.storedAgain, screening.recent]) {
      expect(fs.existsSync(kept.path)).toBe(true);
      expect(kept.importIds.map(deletedAt)).toEqual(kept.importIds.map(() => null));
    }
    expect(imports).toHaveLength(4);
  });

  it("tells the applicant, and keeps the erased values out of every answer", async () => {
    const county = await t.staffToken("county");
    const timeline = (await t.app.inject({ method: "GET", url: `/api/me/cases/${old.number}`, headers: auth(resident) })).json();
    expect(timeline.timeline.at(-1)).toMatchObject({ action: "PERSONAL_DATA_ERASED", title: expect.stringContaining("个人信息已删除") });
    const detail = (await t.app.inject({ method: "GET", url: `/api/staff/cases/${old.caseId}`, headers: auth(county) })).json();
    expect(detail).toMatchObject({
      number: old.number,
      applicantName: erasedName,
      phoneMasked: "",
      idNumberMasked: null,
      bankAccount: null,
      declaredHousehold: null,
      revealable: [],
      personalDataErasedAt: now.toISOString(),
    });
    const reveal = await t.app.inject({
      method: "POST",
      url: `/api/staff/cases/${old.caseId}/reveal`,
      headers: auth(county),
      payload: { field: "PHONE", reason: "回访申请人" },
    });
    expect(reveal.statusCode).toBe(409);
    expect(reveal.json().code).toBe("PERSONAL_DATA_ERASED");
    // Without a phone the anonymous look-up has nothing to match.
    const lookup = await t.app.inject({
      method: "POST",
      url: "/api/public/case-status",
      payload: { number: old.number, phoneLast4: "8888" },
    });
    expect(lookup.statusCode).toBe(404);
    const mine = (await t.app.inject({ method: "GET", url: "/api/me/data", headers: auth(resident) })).json();
    expect(JSON.stringify(mine)).not.toContain("13577778888");
    expect(mine.cases.find((c: { number: string }) => c.number === old.number)).toMatchObject({
      applicantName: erasedName,
      phone: null,
      idNumber: null,
      bankAccount: null,
      personalDataErasedAt: now.toISOString(),
    });
  });
});
