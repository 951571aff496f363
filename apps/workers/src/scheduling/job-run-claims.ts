import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A claim on one interval of a scheduled job; finish it with the outcome. */
export interface JobRunClaim {
  readonly id: string;
  succeed(detail?: Record<string, unknown>): Promise<void>;
  fail(error: unknown): Promise<void>;
}

/** Start of the interval `at` falls in, e.g. 12:07 → 12:00 for a 15-minute job. */
export function intervalStart(at: number, everyMs: number): Date {
  return new Date(Math.floor(at / everyMs) * everyMs);
}

/**
 * Makes scheduled jobs run once per interval across every replica. A row per (job, interval) is
 * claimed atomically; another replica — or BullMQ re-delivering the job — finds the claim taken.
 * A failed run, or one whose worker died (still `running` after `leaseMs`), may be claimed again.
 */
@Injectable()
export class JobRunClaims {
  constructor(private readonly dataSource: DataSource) {}

  async claim(job: string, scheduledFor: Date, leaseMs: number): Promise<JobRunClaim | undefined> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO job_runs (job, scheduled_for) VALUES ($1, $2)
       ON CONFLICT (job, scheduled_for) DO UPDATE
         SET started_at = now(), finished_at = NULL, outcome = 'running', detail = NULL
         WHERE job_runs.outcome = 'failed'
            OR (job_runs.outcome = 'running' AND job_runs.started_at < now() - make_interval(secs => $3))
       RETURNING id`,
      [job, scheduledFor, leaseMs / 1000],
    );
    const id = rows[0]?.id;
    return id === undefined ? undefined : this.claimFor(id);
  }

  /**
   * Runs `work` for the interval `scheduledAt` falls in, unless that interval already ran (or is
   * running) elsewhere; records the outcome. Work that throws marks the run failed and rethrows,
   * so the job is retried and the interval may be claimed again.
   */
  async runOncePerInterval<T extends Record<string, unknown>>(
    job: string,
    scheduledAt: number,
    schedule: { everyMs: number; leaseMs: number },
    work: () => Promise<T>,
  ): Promise<{ ran: true; detail: T } | { ran: false }> {
    const claim = await this.claim(
      job,
      intervalStart(scheduledAt, schedule.everyMs),
      schedule.leaseMs,
    );
    if (!claim) return { ran: false };
    try {
      const detail = await work();
      await claim.succeed(detail);
      return { ran: true, detail };
    } catch (error) {
      await claim.fail(error);
      throw error;
    }
  }

  private claimFor(id: string): JobRunClaim {
    const finish = (outcome: 'succeeded' | 'failed', detail: Record<string, unknown>) =>
      this.dataSource
        .query(`UPDATE job_runs SET outcome = $2, finished_at = now(), detail = $3 WHERE id = $1`, [
          id,
          outcome,
          detail,
        ])
        .then(() => undefined);
    return {
      id,
      succeed: (detail = {}) => finish('succeeded', detail),
      fail: (error) =>
        finish('failed', { error: error instanceof Error ? error.message : String(error) }),
    };
  }
}
