import { EncryptedPDFError, PDFDocument, PDFName } from "@cantoo/pdf-lib";

/** A PDF that cannot be read as one (damaged, or not really a PDF behind its first bytes). */
export class UnreadablePdfError extends Error {}

/**
 * The PDF's pages copied into a new file, and nothing else: not the document information (author, the software,
 * dates), XMP metadata, scripts run on opening, embedded files, nor the earlier revisions an incremental save keeps
 * (only what the pages use is copied). A password-protected PDF cannot be read without its password: it is kept as
 * sent (null).
 */
export async function withoutMetadata(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    const source = await PDFDocument.load(bytes, { updateMetadata: false });
    const copy = await PDFDocument.create({ updateMetadata: false });
    for (const page of await copy.copyPages(source, source.getPageIndices())) {
      // A page's own metadata and the scripts it runs when opened or closed.
      for (const key of ["Metadata", "AA"]) page.node.delete(PDFName.of(key));
      copy.addPage(page);
    }
    // No document information at all, not even this library's name.
    copy.context.trailerInfo.Info = undefined;
    // Without object streams: every viewer a county office has opens it, and nothing is left packed out of sight.
    return await copy.save({ useObjectStreams: false });
  } catch (error) {
    if (error instanceof EncryptedPDFError) return null;
    throw new UnreadablePdfError();
  }
}
