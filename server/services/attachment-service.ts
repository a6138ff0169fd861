import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { AppError, InvalidInputError } from "../lib/errors.ts";
import type { Principal } from "./principal.ts";
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
    const type = await fileTypeFromBuffer(bytes);
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
}
