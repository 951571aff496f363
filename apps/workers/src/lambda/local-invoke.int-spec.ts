import { RemoteServer } from '@fediflow/federation/testing';
import { type IsolatedInfrastructure } from '@fediflow/testing';
import {
  migratedDatabase,
  type MigratedDatabase,
  localMember,
  remoteActor,
} from '@fediflow/testing/fixtures';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../digest/digest-fixtures.testing';
import { SmtpTestServer } from '../digest/smtp-test-server.testing';

const root = join(import.meta.dirname, '../../../..');

/** `npm run lambda:invoke`: the shipped bundle, run locally against PostgreSQL, Redis and SMTP. */
describe('lambda:invoke', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let smtp: SmtpTestServer;
  let dir: string;
  let remote: RemoteServer;

  beforeAll(async () => {
    database = await migratedDatabase('lambda-invoke');
    ({ infra, db } = database);
    smtp = await SmtpTestServer.start();
    dir = mkdtempSync(join(tmpdir(), 'lambda-invoke-'));
    remote = await RemoteServer.start();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await remote?.close();
    await smtp?.close();
    await database?.release();
  });

  /** Asynchronously: the SMTP test server answers from this process meanwhile. */
  function invoke(name: string, eventFile: string, extraEnv: Record<string, string> = {}) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(root, 'node_modules/.bin/tsx'),
        ['tools/invoke-lambda.ts', name, '--event', eventFile],
        {
          cwd: root,
          timeout: 120_000,
          env: {
            PATH: process.env['PATH'],
            ...infra.env,
            PUBLIC_ORIGIN: 'http://social.test',
            LOG_LEVEL: 'silent',
            SMTP_URL: smtp.url,
            INBOUND_QUEUE: 'sqs',
            INBOUND_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/000000000000/local',
            ...extraEnv,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      );
    });
  }

  it('runs emailSender with the sample scheduled event and sends the digest', async () => {
    const alice = await localMember(db, { username: 'alice', digest: true });
    await notify(db, {
      to: alice,
      from: await remoteActor(db, { username: 'bob', uri: 'https://x.test/users/bob' }),
      type: 'follow',
    });
    const result = await invoke('emailSender', 'tools/lambda/events/scheduled.json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'completed',
      scheduledFor: '2026-12-02T06:00:00.000Z',
    });
    expect(smtp.to(alice.email)).toHaveLength(1);
  }, 120_000);

  it('applies an inbound activity with the bundle as it ships (Fedify, inbox handlers, PostgreSQL)', async () => {
    await db.query(`INSERT INTO accounts (username) VALUES ('carol')`);
    const note = `${remote.origin}/notes/bundled`;
    // Fedify's inbox message, as the federation service queues it after verifying the signature.
    const message = {
      type: 'inbox',
      id: 'b5d6c8f0-1c1e-4b7a-9d4e-3f2a1b0c9d8e',
      baseUrl: 'http://social.test',
      activity: {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${note}/activity`,
        type: 'Create',
        actor: remote.actorId.href,
        to: ['http://social.test/users/carol'],
        object: {
          id: note,
          type: 'Note',
          attributedTo: remote.actorId.href,
          to: ['http://social.test/users/carol'],
          content: '<p>@carol hello from the bundle</p>',
          tag: [{ type: 'Mention', href: 'http://social.test/users/carol', name: '@carol' }],
        },
      },
      identifier: null,
      attempt: 0,
      started: new Date().toISOString(),
      traceContext: {},
    };
    const event = join(dir, 'create.json');
    writeFileSync(
      event,
      JSON.stringify({
        Records: [
          {
            messageId: 'create-1',
            body: JSON.stringify(message),
            eventSource: 'aws:sqs',
            attributes: { ApproximateReceiveCount: '1' },
          },
        ],
      }),
    );
    const result = await invoke('activityProcessor', event);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
    const rows = (await db.query(`SELECT uri FROM statuses WHERE uri = $1`, [note])) as unknown[];
    expect(rows).toHaveLength(1);
  }, 120_000);

  it('exits 1 and prints the batch item failures when activityProcessor reports some', async () => {
    const event = join(dir, 'poison.json');
    writeFileSync(
      event,
      JSON.stringify({
        Records: [
          {
            messageId: 'poison-1',
            body: 'not json',
            eventSource: 'aws:sqs',
            attributes: { ApproximateReceiveCount: '1' },
          },
        ],
      }),
    );
    const result = await invoke('activityProcessor', event);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'poison-1' }],
    });
  }, 120_000);

  it("loads restoreValidation with the runtime-provided SDK clients and ignores another plan's restore", async () => {
    const result = await invoke(
      'restoreValidation',
      'tools/lambda/events/restore-job-completed.json',
      {
        RESTORE_TESTING_PLAN_ARN:
          'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:another_plan-9z8y7x',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"restore job event ignored"');
    expect(result.stdout).toContain('"status": "IGNORED"');
  });
});
