import type { Locale } from "../../core/vocabulary.ts";
import type { StaffPrincipal } from "../../core/principal.ts";
import type { ServiceDeps } from "../../service-deps.ts";
import { translator } from "../../core/i18n/i18n.ts";
import { AppError, NotFoundError } from "../../core/errors.ts";
import type { Prisma } from "../../platform/database/generated/client.ts";
import type { JobRunner } from "../../platform/jobs/job-runner.ts";

/** The background jobs staff started, as they see them: state, progress, outcome. */
export class JobService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly runner: Pick<JobRunner, "cancel">,
  ) {}

  private async find(principal: StaffPrincipal, id: string) {
    const job = await this.deps.prisma.job.findFirst({ where: { id, regionPath: { startsWith: principal.regionPath } } });
    if (!job) throw new NotFoundError("JOB_NOT_FOUND");
    return job;
  }

  async view(principal: StaffPrincipal, id: string, locale: Locale) {
    return viewOf(await this.find(principal, id), locale);
  }

  async cancel(principal: StaffPrincipal, id: string, locale: Locale) {
    const job = await this.find(principal, id);
    if (!(await this.runner.cancel(job.id))) throw new AppError(409, "JOB_ENDED");
    return viewOf(await this.find(principal, id), locale);
  }
}

function viewOf(job: Prisma.JobGetPayload<object>, locale: Locale) {
  const t = translator(locale);
  const progress = (job.progress ?? {}) as { done?: number; total?: number | null; phase?: string };
  const phase = progress.phase ?? "";
  const params = ((job.result ?? {}) as { params?: Record<string, string> }).params ?? {};
  return {
    id: job.id,
    kind: job.kind,
    kindLabel: t(`jobs.kinds.${job.kind}`),
    status: job.status,
    statusLabel: t(`jobs.statuses.${job.status}`),
    progress: { done: progress.done ?? 0, total: progress.total ?? null, phase, phaseLabel: phase ? t(`jobs.phases.${phase}`) : "" },
    result: job.status === "SUCCEEDED" ? ((job.result ?? {}) as Record<string, unknown>) : null,
    error: job.error ? { code: job.error, message: t(`errors.${job.error}`, params) } : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
