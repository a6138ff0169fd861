/**
 * How often each instance looks at a recurring job, in numbers alone. A job
 * runs once per period (its "slot", counted on the database's clock) however
 * many instances ask for it; these decide how soon after a slot opens it is
 * asked for, how soon a job left behind by a dead instance is taken up, and how
 * long finished jobs must be kept for a slot never to run twice.
 */

/** How long pg-boss keeps a finished job before archiving it (its default): no shorter, or cron-like use breaks. */
const defaultArchiveSeconds = 12 * 3600;

export interface JobCadence {
  /** Each instance asks for the current slot's job this often; the database keeps one per slot. */
  tickMs: number;
  /** Each instance looks for jobs to take (retries, jobs another instance created) this often. */
  pollSeconds: number;
}

/**
 * Several asks per slot, so a slot is asked for soon after it opens wherever the instance's own
 * timer stands; at most every 15 s (an insert that usually finds the slot taken). The instance whose
 * ask made the job runs it at once; the others' polls are for retries and jobs whose creator died,
 * so they come at least as often as the first retry's pause, and at most every 5 s.
 */
export function jobCadence(everySeconds: number, retryDelaySeconds: number): JobCadence {
  if (!(everySeconds > 0)) throw new RangeError(`a job's period must be positive, got ${everySeconds}`);
  return {
    tickMs: Math.round(Math.min(15, Math.max(1, everySeconds / 4)) * 1000),
    pollSeconds: Math.max(0.5, Math.min(5, everySeconds / 2, retryDelaySeconds)),
  };
}

/**
 * How often the queue's maintenance runs (on one instance at a time): it is what finds a job whose
 * instance died and hands it back for a retry, so it runs a few times within the shortest job timeout.
 */
export function maintenanceSeconds(timeoutsSeconds: readonly number[]): number {
  const shortest = Math.min(...timeoutsSeconds);
  return Math.min(120, Math.max(1, Math.floor(shortest / 4)));
}

/**
 * Finished jobs mark their slot as done while they stay in the job table, so they must stay
 * there at least one whole period of the longest job; archived earlier, the slot would run again.
 */
export function archiveAfterSeconds(periodsSeconds: readonly number[]): number {
  return Math.max(defaultArchiveSeconds, ...periodsSeconds);
}
