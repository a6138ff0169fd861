import { ForbiddenError, NotFoundError, type AppError } from "../../core/errors.ts";
import type { Principal } from "../../core/principal.ts";
import { worksTask, reachesTaskAt } from "../../core/reach.ts";
import type { Desk } from "../../core/vocabulary.ts";
import type { TaskAction } from "./workflow-schemas.ts";

/**
 * Who may act on a task, for the single action and for every task of a bulk
 * action alike (the route's gate has only checked the path's task, and a bulk
 * action names its tasks in the body): null when the caller may, else the
 * answer. A task out of reach answers as if it did not exist.
 *
 * - Staff act on their own desk's tasks within their region.
 * - Grid workers do the village's home visits in their own area, and nothing else.
 * - Residents take part in one way only: an objection to a published list.
 */
export function refusalToAct(
  principal: Principal,
  task: { desk: Desk; regionPath: string } | null,
  action: Pick<TaskAction, "type">,
): AppError | null {
  if (!task) return new NotFoundError("TASK_NOT_FOUND");
  if (principal.kind === "resident") return action.type === "RECORD_OBJECTION" ? null : new NotFoundError("TASK_NOT_FOUND");
  if (!reachesTaskAt(principal, task.regionPath)) return new NotFoundError("TASK_NOT_FOUND");
  if (principal.role === "GRID_WORKER" && action.type !== "RECORD_HOME_VISIT") return new ForbiddenError("NOT_YOUR_DESK");
  return worksTask(principal, task) ? null : new ForbiddenError("NOT_YOUR_DESK");
}
