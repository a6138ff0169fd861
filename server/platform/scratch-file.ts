import crypto from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** An upload streamed to a file aside (never whole in memory) and hashed on the way; the caller removes the file. */
export async function receiveToScratch(stream: Readable, scratchDir: string): Promise<{ file: string; sha256: string; size: number }> {
  await fs.mkdir(scratchDir, { recursive: true });
  const file = path.join(scratchDir, `upload.${process.pid}.${crypto.randomUUID()}.part`);
  const hash = crypto.createHash("sha256");
  let size = 0;
  try {
    await pipeline(
      stream,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(file, { flags: "wx" }),
    );
  } catch (error) {
    await fs.rm(file, { force: true });
    throw error;
  }
  return { file, sha256: hash.digest("hex"), size };
}
