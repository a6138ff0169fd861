import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { AppError, InvalidInputError, NotFoundError } from "../lib/errors.ts";
import type { Principal, StaffPrincipal } from "./principal.ts";
import type { ServiceDeps } from "./service-deps.ts";

/** Accepted by content (magic bytes), never by the name or type the client claims. */
const accepted: Record<string, "PHOTO" | "VOICE" | "DOCUMENT"> = {
  "image/jpeg": "PHOTO",
  "image/png": "PHOTO",
  "image/webp": "PHOTO",
  "audio/amr": "VOICE",
  "audio/mpeg": "VOICE",
  "audio/x-m4a": "VOICE",
  "audio/mp4": "VOICE",
  "audio/silk": "VOICE",
  "application/pdf": "DOCUMENT",
};

/** Files are kept once per content under dataDir/attachments/ab/<sha256>; the rows say who sent what. */
export class AttachmentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly dir: string,
  ) {}

  async store(principal: Principal, bytes: Buffer) {
    if (bytes.length === 0) throw new InvalidInputError("FILE_MISSING", "file");
    const type = (await fileTypeFromBuffer(bytes)) ?? silkType(bytes);
    const kind = type ? accepted[type.mime] : undefined;
    if (!type || !kind) throw new AppError(415, "UNSUPPORTED_FILE_TYPE");
    const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
    const target = path.join(this.dir, sha256.slice(0, 2), sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed, so a crash never leaves a half file under the final name.
    const temporary = `${target}.${process.pid}.${crypto.randomUUID()}.part`;
    await fs.writeFile(temporary, bytes, { flag: "wx" });
    await fs.rename(temporary, target);
    const row = await this.deps.prisma.attachment.create({
      data: {
        sha256,
        kind,
        mimeType: type.mime,
        size: bytes.length,
        uploadedByType: principal.kind === "staff" ? "STAFF" : "RESIDENT",
        uploadedById: principal.id,
      },
    });
    return { id: row.id, kind: row.kind, mimeType: row.mimeType, size: row.size };
  }

  /** A case's file for staff whose region holds the case (the console shows photos); others get a 404, as if it did not exist. */
  async readForStaff(principal: StaffPrincipal, attachmentId: string) {
    const row = await this.deps.prisma.attachment.findFirst({ where: { id: attachmentId, case: { regionPath: { startsWith: principal.regionPath } } } });
    if (!row) throw new NotFoundError("ATTACHMENT_NOT_FOUND");
    const bytes = await fs.readFile(path.join(this.dir, row.sha256.slice(0, 2), row.sha256));
    return { mimeType: row.mimeType, bytes };
  }

  /** A file sent after the case was filed joins it, with a trace on the case. */
  async addToCase(principal: Principal, attachmentId: string, caseNumber: string) {
    const { prisma, now } = this.deps;
    return prisma.$transaction(async (tx) => {
      const c = await tx.case.findFirst({
        where: { number: caseNumber, ...(principal.kind === "resident" ? { reporterResidentId: principal.id } : { regionPath: { startsWith: principal.regionPath } }) },
      });
      if (!c) throw new NotFoundError("CASE_NOT_FOUND");
      const linked = await tx.attachment.updateMany({ where: { id: attachmentId, caseId: null, uploadedById: principal.id }, data: { caseId: c.id } });
      if (linked.count !== 1) throw new InvalidInputError("ATTACHMENT_NOT_FOUND", "attachmentId");
      const attachment = await tx.attachment.findUniqueOrThrow({ where: { id: attachmentId } });
      await tx.caseEvent.create({
        data: {
          caseId: c.id,
          at: now(),
          actorType: principal.kind === "staff" ? "STAFF" : "RESIDENT",
          actorId: principal.id,
          actorRole: principal.kind === "staff" ? principal.role : "RESIDENT",
          action: "ATTACHMENT_ADDED",
          fromStage: c.stage,
          toStage: c.stage,
          payload: { attachmentId, kind: attachment.kind },
        },
      });
      return { caseNumber: c.number, kind: attachment.kind };
    });
  }
}

/** WeChat voice notes are SILK v3 (file-type does not know it): "#!SILK_V3", sometimes after a 0x02 byte. */
function silkType(bytes: Buffer): { mime: string } | undefined {
  const magic = Buffer.from("#!SILK_V3");
  const at = bytes[0] === 0x02 ? 1 : 0;
  return bytes.subarray(at, at + magic.length).equals(magic) ? { mime: "audio/silk" } : undefined;
}
