import type { AppConfig } from "../../config.ts";
import { contentKey, type FileStore } from "../../platform/file-store.ts";
import type { ServiceDeps } from "../../service-deps.ts";

export interface RetentionPolicy {
  /** Years after a closed, rejected or withdrawn case's last event before its applicant's personal data is erased; 0 keeps it. */
  personalDataYears: number;
  /** Days the bot's replay record of its answers, delivered pushes and idle conversations are kept. */
  transientDays: number;
  /** Days the staff-access log is kept: at least 183 (the database refuses to delete younger rows). */
  accessLogDays: number;
  /** Days a department's screening file (ID numbers in clear) is kept after it was stored; 0 keeps it. */
  screeningFileDays: number;
}

export function retentionPolicy(
  config: Pick<AppConfig, "retentionYears" | "retentionTransientDays" | "accessLogRetentionDays" | "screeningFileRetentionDays">,
): RetentionPolicy {
  return {
    personalDataYears: config.retentionYears,
    transientDays: config.retentionTransientDays,
    accessLogDays: config.accessLogRetentionDays,
    screeningFileDays: config.screeningFileRetentionDays,
  };
}

export interface RetentionReport {
  casesErased: number;
  attachmentFilesDeleted: number;
  botMessagesDeleted: number;
  botPushesDeleted: number;
  botConversationsDeleted: number;
  accessLogEntriesDeleted: number;
  screeningFilesDeleted: number;
}

/** What replaces an erased name: the same in every language, and plainly not a name. */
export const erasedName = "***";

const decidedStatuses = ["CLOSED", "REJECTED", "WITHDRAWN"] as const;
const MS_PER_DAY = 86_400_000;

/**
 * The retention policy, applied by the server once a day and by
 * `npm run data:retention`. A decided case's personal data (the applicant's
 * name, phone, ID number, bank account, the description and address in their
 * words, the declared household, photos and files; consents keep a masked
 * name) is erased once its last event is old enough; the case number, kind,
 * region, risk types, stages, every event and every figure stay, so the
 * statistics and the trail are whole. Household records (建档立卡) are the
 * county's register, not a case's, and are not touched. Each case is erased
 * in one transaction with a PERSONAL_DATA_ERASED event.
 */
export class RetentionService {
  constructor(
    private readonly deps: Pick<ServiceDeps, "prisma" | "cipher" | "now">,
    /** Where the attachments are (the data directory or the bucket). */
    private readonly files: Pick<FileStore, "delete">,
  ) {}

  async run(policy: RetentionPolicy, batchSize = 100): Promise<RetentionReport> {
    const { prisma, now } = this.deps;
    const at = now();
    const report: RetentionReport = {
      casesErased: 0,
      attachmentFilesDeleted: 0,
      botMessagesDeleted: 0,
      botPushesDeleted: 0,
      botConversationsDeleted: 0,
      accessLogEntriesDeleted: 0,
      screeningFilesDeleted: 0,
    };
    if (policy.personalDataYears > 0) {
      const cutoff = new Date(at);
      cutoff.setUTCFullYear(cutoff.getUTCFullYear() - policy.personalDataYears);
      for (;;) {
        const due = await prisma.case.findMany({
          where: { status: { in: [...decidedStatuses] }, personalDataErasedAt: null, events: { none: { at: { gte: cutoff } } } },
          select: { id: true },
          orderBy: { id: "asc" },
          take: batchSize,
        });
        for (const { id } of due) report.attachmentFilesDeleted += await this.erase(id, at, policy.personalDataYears);
        report.casesErased += due.length;
        if (due.length < batchSize) break;
      }
    }
    const transientCutoff = new Date(at.getTime() - policy.transientDays * MS_PER_DAY);
    report.botMessagesDeleted = (await prisma.botMessage.deleteMany({ where: { createdAt: { lt: transientCutoff } } })).count;
    report.botPushesDeleted = (await prisma.botPush.deleteMany({ where: { deliveredAt: { lt: transientCutoff } } })).count;
    report.botConversationsDeleted = (await prisma.botConversation.deleteMany({ where: { updatedAt: { lt: transientCutoff } } })).count;
    report.accessLogEntriesDeleted = (
      await prisma.staffAccessLog.deleteMany({ where: { at: { lt: new Date(at.getTime() - policy.accessLogDays * MS_PER_DAY) } } })
    ).count;
    if (policy.screeningFileDays > 0)
      report.screeningFilesDeleted = await this.deleteScreeningFiles(new Date(at.getTime() - policy.screeningFileDays * MS_PER_DAY), at);
    return report;
  }

  /**
   * Department files stored before `cutoff`: the file goes, the import keeps its results and leads. Files are
   * stored once per content, so one that another import stored (or stored again) since the cutoff stays.
   */
  private async deleteScreeningFiles(cutoff: Date, at: Date): Promise<number> {
    const { prisma } = this.deps;
    const expired = await prisma.screeningImport.findMany({
      where: { fileDeletedAt: null, fileStoredAt: { lt: cutoff } },
      select: { fileSha256: true },
      distinct: ["fileSha256"],
    });
    let deleted = 0;
    for (const { fileSha256 } of expired) {
      if (await prisma.screeningImport.count({ where: { fileSha256, fileDeletedAt: null, fileStoredAt: { gte: cutoff } } })) continue;
      // The file first: if its deletion fails, the next pass tries again (a run meanwhile finds the file or asks for it).
      await this.files.delete(contentKey("screening", fileSha256));
      await prisma.screeningImport.updateMany({
        where: { fileSha256, fileDeletedAt: null, fileStoredAt: { lt: cutoff } },
        data: { fileDeletedAt: at },
      });
      deleted++;
    }
    return deleted;
  }

  /** One case's personal data, in one transaction; then the files nothing else points at. Answers the files deleted. */
  private async erase(caseId: string, at: Date, years: number): Promise<number> {
    const { prisma, cipher } = this.deps;
    const files = await prisma.$transaction(async (tx) => {
      const c = await tx.case.findUniqueOrThrow({
        where: { id: caseId },
        select: { stage: true, attachments: { select: { sha256: true } } },
      });
      await tx.case.update({
        where: { id: caseId },
        data: {
          applicantName: erasedName,
          contactPhoneEnc: cipher.encrypt(""),
          contactPhoneHash: cipher.lookupHash(""),
          applicantIdNumberEnc: null,
          applicantIdNumberHash: null,
          declaredHouseholdEnc: null,
          bankName: null,
          bankAccountEnc: null,
          bankAccountHash: null,
          description: "",
          addressText: null,
          personalDataErasedAt: at,
        },
      });
      await tx.consent.updateMany({ where: { caseId }, data: { grantorName: erasedName } });
      await tx.attachment.deleteMany({ where: { caseId } });
      await tx.caseEvent.create({
        data: {
          caseId,
          at,
          actorType: "SYSTEM",
          action: "PERSONAL_DATA_ERASED",
          fromStage: c.stage,
          toStage: c.stage,
          payload: { retentionYears: years, attachments: c.attachments.length },
        },
      });
      return [...new Set(c.attachments.map((a) => a.sha256))];
    });
    // Files are stored once per content: one still attached elsewhere stays.
    const stillUsed = new Set(
      (await prisma.attachment.findMany({ where: { sha256: { in: files } }, select: { sha256: true } })).map((a) => a.sha256),
    );
    let deleted = 0;
    for (const sha256 of files.filter((f) => !stillUsed.has(f))) {
      await this.files.delete(contentKey("attachments", sha256));
      deleted++;
    }
    return deleted;
  }
}
