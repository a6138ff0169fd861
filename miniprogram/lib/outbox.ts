import type { Endpoints } from "./api";
import { ApiError, call, session, upload } from "./api";
import { ensureResident } from "./auth";
import { forgetFiles } from "./kept-files";

type Submission = Endpoints["POST /api/cases"]["body"];
type Acknowledgement = Endpoints["POST /api/cases"]["response"];

/** A report waiting to be sent: its idempotency key is fixed when it is made, so however often it is retried it files one case. */
export interface QueuedReport {
  key: string;
  body: Submission;
  /** Photos still on the phone; each becomes an attachment id once uploaded. */
  photos: string[];
  queuedAt: string;
}

export interface FlushResult {
  sent: { key: string; ack: Acknowledgement }[];
  /** Refused by the server (its answer says why); taken out of the queue so the user can correct them. */
  refused: { report: QueuedReport; error: ApiError }[];
  waiting: number;
}

const queueKey = "outbox";
const refusedKey = "outbox-refused";
let running: Promise<FlushResult> | null = null;

function load(): QueuedReport[] {
  return (wx.getStorageSync(queueKey) as QueuedReport[] | "") || [];
}
function save(queue: QueuedReport[]): void {
  wx.setStorageSync(queueKey, queue);
}

function newIdempotencyKey(): string {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * The offline retry queue: reports are stored first, then sent; what cannot be
 * sent now (no network, server unreachable or busy) stays for the next try,
 * which comes when the network returns or the app is opened again.
 */
export const outbox = {
  list: load,

  add(report: Omit<QueuedReport, "queuedAt">): void {
    save([...load().filter((r) => r.key !== report.key), { ...report, queuedAt: new Date().toISOString() }]);
  },

  /** Stores a submission under a new idempotency key and tries to send it now. */
  async submit(
    body: Submission,
    photos: string[],
  ): Promise<{ outcome: "sent"; ack: Acknowledgement } | { outcome: "refused"; error: ApiError } | { outcome: "queued" }> {
    const key = newIdempotencyKey();
    outbox.add({ key, body, photos });
    const result = await outbox.flush();
    const sent = result.sent.find((s) => s.key === key);
    if (sent) return { outcome: "sent", ack: sent.ack };
    const refused = result.refused.find((r) => r.report.key === key);
    return refused ? { outcome: "refused", error: refused.error } : { outcome: "queued" };
  },

  /** One flush at a time; a second caller shares the running one. */
  flush(): Promise<FlushResult> {
    running ??= send().finally(() => {
      running = null;
    });
    return running;
  },
};

async function send(): Promise<FlushResult> {
  const result: FlushResult = { sent: [], refused: [], waiting: 0 };
  for (const report of load()) {
    try {
      await ensureResident();
      const attachmentIds = [...(report.body.attachmentIds ?? [])];
      for (const photo of [...report.photos]) {
        attachmentIds.push(await upload(photo));
        forgetFiles([photo]);
        // Kept after each photo, so a retry does not upload it again.
        report.photos = report.photos.filter((p) => p !== photo);
        report.body = { ...report.body, attachmentIds };
        save(load().map((r) => (r.key === report.key ? report : r)));
      }
      const ack = await call("POST /api/cases", { body: report.body, idempotencyKey: report.key });
      save(load().filter((r) => r.key !== report.key));
      result.sent.push({ key: report.key, ack });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // An expired login is no reason to drop a report: a resident is logged in again on the next try; a staff
        // filing waits for the staff member to log in again (it must never go out under a resident's login).
        if (!report.body.onBehalf) session.clear();
        break;
      }
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
        save(load().filter((r) => r.key !== report.key));
        wx.setStorageSync(refusedKey, [...((wx.getStorageSync(refusedKey) as QueuedReport[] | "") || []), report]);
        result.refused.push({ report, error });
        continue;
      }
      // No network, or the server cannot answer now: everything left waits for the next try.
      break;
    }
  }
  result.waiting = load().length;
  return result;
}
