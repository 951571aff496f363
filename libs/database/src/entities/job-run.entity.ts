import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobRunOutcome = 'running' | 'succeeded' | 'failed';

/**
 * One execution of a scheduled job. `(job, scheduledFor)` is unique, which is what makes a job
 * run exactly once per interval however many worker replicas race for it.
 */
@Entity({ name: 'job_runs' })
@Index('job_runs_job_scheduled_for_key', ['job', 'scheduledFor'], { unique: true })
export class JobRun {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  job!: string;

  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor!: Date;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', default: 'running' })
  outcome!: JobRunOutcome;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;
}
