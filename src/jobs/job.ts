/** What a run did, by counter name (members scanned, events made…): stored as jsonb on its run. */
export type Processed = Record<string, number>;

export type JobStatus = 'ok' | 'failed' | 'skipped';

/** A scheduled job: one batch-wise pass over every brand, safe to run again at any time. */
export interface Job {
  readonly name: string;
  /**
   * Its pg advisory lock key: one fixed number per job, the same in every instance, so one
   * instance among many runs it at a time.
   */
  readonly lockKey: number;
  /** Counts go into `processed` as they happen, so a failed run still tells how far it got. */
  run(now: Date, processed: Processed): Promise<void>;
}

export interface JobRun {
  id: string;
  name: string;
  status: JobStatus;
  /** The clock the job ran at: the current time, or the instant an operator ran it "as if at". */
  asOf: Date;
  startedAt: Date;
  finishedAt: Date;
  processed: Processed;
  error: string | null;
}

/** Adds to a counter of a run's `processed`. */
export function count(processed: Processed, key: string, n = 1): void {
  processed[key] = (processed[key] ?? 0) + n;
}

// Beside the migrations' lock (7_412_001): any fixed numbers, never reused for another job.
export const JOB_LOCK_KEYS = {
  'mature-points': 7_412_101,
  'retention-scan': 7_412_102,
  'recalculate-tiers': 7_412_103,
  'expire-points': 7_412_104,
  'deliver-webhooks': 7_412_105,
  'mint-tokens': 7_412_106,
  'analytics-rollup': 7_412_107,
} as const;
