import { EventEmitter } from "node:events";
import type { Desk } from "../domain/workflow/definition.ts";

/**
 * What happened to a case, published after its transaction commits. In one
 * process an EventEmitter carries it; several instances need a shared bus
 * (PostgreSQL LISTEN/NOTIFY, issue #9) behind this same interface.
 */
export type CaseNotice =
  | { kind: "task.opened" | "task.escalated"; taskId: string; caseNumber: string; stage: string; desk: Desk; regionPath: string; escalatedToPath: string | null; dueAt: Date | null }
  | { kind: "case.updated"; caseId: string; caseNumber: string; fromStage: string | null; stage: string; status: "OPEN" | "APPROVED" | "REJECTED" | "CLOSED" | "WITHDRAWN"; event: string; regionCode: string | null; reporterResidentId: string | null; reporterStaffId: string | null; householdId: string | null };

export class CaseNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open socket.
    this.emitter.setMaxListeners(0);
  }

  publish(notice: CaseNotice): void {
    this.emitter.emit("notice", notice);
  }

  /** A case moved (or had something recorded): tells its applicant's open sockets. */
  caseMoved(
    c: {
      id: string;
      number: string;
      stage: string;
      status: Extract<CaseNotice, { kind: "case.updated" }>["status"];
      reporterResidentId: string | null;
      reporterStaffId: string | null;
      householdId: string | null;
    },
    change: { fromStage: string | null; event: string; regionCode: string | null },
  ): void {
    this.publish({ kind: "case.updated", caseId: c.id, caseNumber: c.number, stage: c.stage, status: c.status, reporterResidentId: c.reporterResidentId, reporterStaffId: c.reporterStaffId, householdId: c.householdId, ...change });
  }

  subscribe(listener: (notice: CaseNotice) => void): () => void {
    this.emitter.on("notice", listener);
    return () => this.emitter.off("notice", listener);
  }
}
