import type { FastifyRequest } from "fastify";

export interface UploadLimits {
  fileSize: number;
  files: number;
  fields: number;
  parts: number;
}

/**
 * A multipart request's one file, read whole, and its text fields. Every part
 * is read, so a request carrying more than the limits allow is refused (413
 * TOO_MANY_FILES by the error handler) instead of having its extra file
 * silently dropped; null when it carries no file.
 */
export async function readUpload(
  request: FastifyRequest,
  limits: UploadLimits,
): Promise<{ bytes: Buffer; fields: Record<string, string> } | null> {
  let bytes: Buffer | null = null;
  const fields: Record<string, string> = {};
  for await (const part of request.parts({ limits })) {
    if (part.type === "file") bytes = await part.toBuffer();
    else fields[part.fieldname] = String(part.value);
  }
  return bytes && { bytes, fields };
}
