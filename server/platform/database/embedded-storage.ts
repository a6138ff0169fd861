import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

/** What PGlite's Emscripten file system offers that its types do not say. */
interface NodeFileSystem {
  stream_ops: { fsync?: (stream: { nfd: number }) => number };
  tryFSOperation<T>(operation: () => T): T;
}

/**
 * PGlite's file-backed storage with PostgreSQL's own durability. Out of the
 * box PGlite starts PostgreSQL with fsync off (`-F`), and its Emscripten file
 * system (NODEFS) has no fsync at all: a commit is handed to the operating
 * system before the answer, so it survives the server process being killed,
 * but a power cut or a kernel crash can lose acknowledged reports or leave
 * the cluster corrupt. Here fsync is on, the WAL is synced with fsync()
 * (fdatasync is a no-op in Emscripten), and that call reaches the real file.
 * Cost: one fsync per commit, 1–4 ms on this project's machines (decisions.md).
 */
class SyncingNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS["init"]>[1]) {
    const { emscriptenOpts } = await super.init(pg, options);
    const syncFiles = (mod: { NODEFS: unknown }) => {
      const nodefs = mod.NODEFS as NodeFileSystem;
      nodefs.stream_ops.fsync = (stream) => nodefs.tryFSOperation(() => (fs.fsyncSync(stream.nfd), 0));
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), syncFiles] } };
  }
}

export const durableStartParams = [
  ...PGlite.defaultStartParams.filter((param) => param !== "-F"),
  "-c",
  "fsync=on",
  "-c",
  "wal_sync_method=fsync",
];

/** The embedded database in `dir`, committing to disk before it answers; an empty `dir` can start from a copy (PGlite's dumpDataDir). */
export function openDurablePGlite(dir: string, loadDataDir?: Blob): PGlite {
  return new PGlite({ fs: new SyncingNodeFS(dir), startParams: durableStartParams, loadDataDir });
}
