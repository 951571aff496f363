import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateJobRuns1764140000000 implements MigrationInterface {
  name = 'CreateJobRuns1764140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE job_runs (
        id            bigserial PRIMARY KEY,
        job           text        NOT NULL,
        scheduled_for timestamptz NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        outcome       text        NOT NULL DEFAULT 'running'
                      CHECK (outcome IN ('running', 'succeeded', 'failed')),
        detail        jsonb,
        CONSTRAINT job_runs_job_scheduled_for_key UNIQUE (job, scheduled_for)
      )`);
    await queryRunner.query(`CREATE INDEX job_runs_started_at_idx ON job_runs (started_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE job_runs`);
  }
}
