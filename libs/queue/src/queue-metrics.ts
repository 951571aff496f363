import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type JobOutcome = 'completed' | 'failed' | 'skipped';

const JOB_STATES = ['waiting', 'delayed', 'active', 'failed', 'prioritized'] as const;

/**
 * Job metrics for queue consumers: throughput and errors by outcome, duration, and — read from
 * Redis at scrape time — the depth of each queue and the age of its oldest waiting job.
 */
export class QueueMetrics {
  private readonly processed: Counter<'queue' | 'job' | 'outcome'>;
  private readonly duration: Histogram<'queue' | 'job'>;

  constructor(registry: Registry, queues: () => readonly Queue[]) {
    this.processed = new Counter({
      name: 'queue_jobs_processed_total',
      help: 'Jobs finished by this process, by queue, job name and outcome.',
      labelNames: ['queue', 'job', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'queue_job_duration_seconds',
      help: 'Time spent processing a job, by queue and job name.',
      labelNames: ['queue', 'job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    });
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each queue by state (read from Redis at scrape time).',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        for (const queue of queues()) {
          const counts = await queue.getJobCounts(...JOB_STATES).catch(() => undefined);
          for (const state of JOB_STATES) {
            if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }
        }
      },
    });
    new Gauge({
      name: 'queue_oldest_waiting_job_age_seconds',
      help: 'Age of the oldest job waiting in each queue; 0 when none waits.',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        for (const queue of queues()) {
          const [oldest] = await queue.getWaiting(0, 0).catch(() => []);
          this.set(
            { queue: queue.name },
            oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0,
          );
        }
      },
    });
  }

  record(queue: string, job: string, outcome: JobOutcome, seconds: number): void {
    this.processed.inc({ queue, job, outcome });
    this.duration.observe({ queue, job }, seconds);
  }
}
