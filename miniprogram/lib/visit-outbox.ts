import type { Endpoints } from "./api";
import { ApiError, call, upload } from "./api";
import { forgetFiles } from "./kept-files";

type Action = Endpoints["POST /api/staff/tasks/:id/actions"]["body"];
export type HomeVisit = Extract<Action, { type: "RECORD_HOME_VISIT" }>;
type ActionResult = Endpoints["POST /api/staff/tasks/:id/actions"]["response"];

/** A photo taken at the house: where and when the phone says it was taken, and its attachment id once uploaded. */
export interface VisitPhoto {
  path: string;
  takenAt: string;
  latitude: number | null;
  longitude: number | null;
  id?: string;
}

/** A home visit waiting to be sent: one per task, since a task takes one visit. */
export interface QueuedVisit {
  taskId: string;
  caseNumber: string;
  /** The checklist as the schema takes it, without the photos (they are added as they are uploaded). */
  visit: Omit<HomeVisit, "photoIds" | "photoPlaces">;
  photos: VisitPhoto[];
  queuedAt: string;
}

export interface RefusedVisit {
  visit: QueuedVisit;
  code: string;
  message: string;
  fields: Record<string, string>;
  /** Someone (perhaps this phone, whose earlier answer was lost) recorded the visit first: nothing to correct. */
  handledElsewhere: boolean;
}

export interface VisitFlushResult {
  sent: { taskId: string; result: ActionResult }[];
  refused: RefusedVisit[];
  waiting: number;
}

const queueKey = "visit-outbox";
const refusedKey = "visit-outbox-refused";

function load(): QueuedVisit[] {
  return (wx.getStorageSync(queueKey) as QueuedVisit[] | "") || [];
}
function save(queue: QueuedVisit[]): void {
  wx.setStorageSync(queueKey, queue);
}
function loadRefused(): RefusedVisit[] {
  return (wx.getStorageSync(refusedKey) as RefusedVisit[] | "") || [];
}

/** The action as sent: uploaded photos by id, and the time and place of those that have a place. */
export function actionOf(visit: QueuedVisit["visit"], photos: VisitPhoto[]): HomeVisit {
  const uploaded = photos.filter((p): p is VisitPhoto & { id: string } => !!p.id);
  return {
    ...visit,
    photoIds: uploaded.map((p) => p.id),
    photoPlaces: uploaded
      .filter((p) => p.latitude !== null && p.longitude !== null)
      .map((p) => ({ photoId: p.id, takenAt: p.takenAt, latitude: p.latitude!, longitude: p.longitude! })),
  };
}

let tail: Promise<unknown> = Promise.resolve();
let next: Promise<VisitFlushResult> | null = null;

/**
 * Home visits recorded without a network (a village road, a hillside house):
 * stored first, then sent when the network returns or the app is opened. The
 * task itself makes it exactly once: the server claims the task on the first
 * visit, so a repeat is answered 409 TASK_ALREADY_HANDLED and leaves the queue.
 */
export const visitOutbox = {
  list: load,
  refused: loadRefused,

  add(visit: Omit<QueuedVisit, "queuedAt">): void {
    save([...load().filter((v) => v.taskId !== visit.taskId), { ...visit, queuedAt: new Date().toISOString() }]);
    wx.setStorageSync(
      refusedKey,
      loadRefused().filter((r) => r.visit.taskId !== visit.taskId),
    );
  },

  /** The worker has seen a refusal: it goes, and so do its photos kept on the phone. */
  dismiss(taskId: string): void {
    for (const r of loadRefused()) if (r.visit.taskId === taskId) forgetFiles(r.visit.photos.map((photo) => photo.path));
    wx.setStorageSync(
      refusedKey,
      loadRefused().filter((r) => r.visit.taskId !== taskId),
    );
  },

  /**
   * One run at a time. A caller arriving while one runs shares the run queued
   * after it, so a visit added meanwhile is still sent now and never by two runs at once.
   */
  flush(): Promise<VisitFlushResult> {
    next ??= tail.then(() => {
      next = null;
      return send();
    });
    tail = next.catch(() => undefined);
    return next;
  },
};

async function send(): Promise<VisitFlushResult> {
  const result: VisitFlushResult = { sent: [], refused: [], waiting: 0 };
  for (const queued of load()) {
    try {
      for (const photo of queued.photos) {
        if (photo.id) continue;
        photo.id = await upload(photo.path);
        // Kept after each photo, so a retry does not upload it again.
        save(load().map((v) => (v.taskId === queued.taskId ? queued : v)));
      }
      const answer = await call("POST /api/staff/tasks/:id/actions", {
        params: { id: queued.taskId },
        body: actionOf(queued.visit, queued.photos),
      });
      save(load().filter((v) => v.taskId !== queued.taskId));
      forgetFiles(queued.photos.map((photo) => photo.path));
      result.sent.push({ taskId: queued.taskId, result: answer });
    } catch (error) {
      // 401: the login ran out while the visit waited; it stays until the worker logs in again.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)) {
        const refused: RefusedVisit = {
          visit: queued,
          code: error.body.code,
          message: error.message,
          fields: error.fieldErrors,
          handledElsewhere: error.status === 409 && error.body.code === "TASK_ALREADY_HANDLED",
        };
        save(load().filter((v) => v.taskId !== queued.taskId));
        wx.setStorageSync(refusedKey, [...loadRefused().filter((r) => r.visit.taskId !== queued.taskId), refused]);
        result.refused.push(refused);
        continue;
      }
      // No network, or the server cannot answer now: everything left waits for the next try.
      break;
    }
  }
  result.waiting = load().length;
  return result;
}
