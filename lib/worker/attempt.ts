import 'server-only';
import { heartbeat } from '@/lib/exports/workerQueue';
import { log, type Logger } from '@/lib/log';
import type { ClaimedJob } from '@/types/exports';

/**
 * What one attempt of a job carries between its steps: the job's log, the
 * stage and progress it reports, and the heartbeat that renews its lease.
 * The heartbeat also brings back a cancel request, which the steps check.
 */
export class Attempt {
  readonly log: Logger;
  cancelRequested = false;
  /** Set when a background heartbeat failed (e.g. the lease was lost); the render stops and this is reported. */
  beatError: unknown;
  private progress = 0;
  private stage = 'starting';
  private readonly claimedAt = Date.now();
  private stageStarted = this.claimedAt;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly job: ClaimedJob, heartbeatMs: number) {
    this.log = log().child({ jobId: job.id, attempt: job.attempts, workerId: job.lockedBy });
    this.log.info({ event: 'claimed', size: job.request.size, format: job.request.format, maxAttempts: job.maxAttempts }, 'export claimed');
    // Renews the lease during long steps that report no progress (a big encode).
    this.timer = setInterval(() => this.beat().catch((e) => (this.beatError = e)), heartbeatMs);
  }

  /** Reports progress and renews the lease now. */
  async beat(): Promise<void> {
    const r = await heartbeat(this.job.id, this.job.leaseToken, this.progress, this.stage);
    this.cancelRequested ||= r.cancelRequested;
  }

  /** Moves the progress bar (and the stage, logged with how long the previous one took), then beats. */
  async report(progress: number, stage: string): Promise<void> {
    this.progress = progress;
    if (stage !== this.stage) {
      const now = Date.now();
      this.log.info({ event: 'stage', stage, previousStage: this.stage, previousStageMs: now - this.stageStarted }, `stage: ${stage}`);
      this.stageStarted = now;
      this.stage = stage;
    }
    await this.beat();
  }

  shouldStop(): boolean {
    return this.cancelRequested || this.beatError !== undefined;
  }

  throwIfBeatFailed(): void {
    if (this.beatError) throw this.beatError;
  }

  /** Time spent in the current stage so far. */
  stageMs(): number {
    return Date.now() - this.stageStarted;
  }

  /** Where the attempt is, for the log lines that end it. */
  at(): { stage: string; totalMs: number } {
    return { stage: this.stage, totalMs: Date.now() - this.claimedAt };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
