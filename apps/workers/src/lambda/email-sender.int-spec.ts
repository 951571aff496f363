import { loadConfig } from '@fediflow/config';
import { DigestJob } from '@fediflow/queue';
import { type IsolatedInfrastructure } from '@fediflow/testing';
import {
  migratedDatabase,
  type MigratedDatabase,
  localMember,
  remoteActor,
} from '@fediflow/testing/fixtures';
import type { ScheduledEvent } from 'aws-lambda';
import type { Job } from 'bullmq';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestDeliveries } from '../digest/digest-deliveries.repository';
import { notify } from '../digest/digest-fixtures.testing';
import { DigestMailer } from '../digest/digest.mailer';
import { DigestMetrics } from '../digest/digest.metrics';
import { DigestProcessor } from '../digest/digest.processor';
import { DigestService } from '../digest/digest.service';
import { SmtpTestServer } from '../digest/smtp-test-server.testing';
import { JobRunClaims } from '../scheduling/job-run-claims';
import { createEmailSender, type EmailSender } from './email-sender';

const ORIGIN = 'http://social.test';
const FIVE_MINUTES = 5 * 60_000;
const SESSION_TOKEN = 'session-token-of-the-function';

/** EventBridge's scheduled event, as AWS documents it, due at `time`. */
function scheduledEvent(time: number): ScheduledEvent {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '123456789012',
    time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'eu-west-1',
    resources: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/default/email-sender'],
    detail: {},
  };
}

/**
 * The emailSender against real PostgreSQL and an SMTP server, with DATABASE_URL and REDIS_URL
 * read from SSM parameters through a stand-in for the Parameters and Secrets extension.
 */
describe('emailSender Lambda on its 5-minute schedule', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let smtp: SmtpTestServer;
  let extension: Server;
  let sender: EmailSender;
  let worker: DigestProcessor;
  const parameterReads: { name: string | null; token: unknown }[] = [];
  let interval = Date.UTC(2031, 0, 1);

  beforeAll(async () => {
    database = await migratedDatabase('lambda-email');
    ({ infra, db } = database);
    smtp = await SmtpTestServer.start();
    const parameters: Record<string, string> = {
      '/fediflow/database/url': infra.env.DATABASE_URL,
      '/fediflow/redis/url': infra.env.REDIS_URL,
    };
    extension = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const name = url.searchParams.get('name');
      parameterReads.push({ name, token: request.headers['x-aws-parameters-secrets-token'] });
      const value = name === null ? undefined : parameters[name];
      if (request.headers['x-aws-parameters-secrets-token'] !== SESSION_TOKEN || !value) {
        response.writeHead(400).end('{}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: value } }),
      );
    });
    extension.listen(0, '127.0.0.1');
    await once(extension, 'listening');
    const { DATABASE_URL: _database, REDIS_URL: _redis, ...rest } = infra.env;
    sender = await createEmailSender({
      env: {
        ...rest,
        PUBLIC_ORIGIN: ORIGIN,
        LOG_LEVEL: 'silent',
        SMTP_URL: smtp.url,
        DATABASE_URL_SSM_PARAMETER: '/fediflow/database/url',
        REDIS_URL_SSM_PARAMETER: '/fediflow/redis/url',
        AWS_SESSION_TOKEN: SESSION_TOKEN,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
      },
    });
    // The Kubernetes workers' processor, as WorkersModule wires it.
    const config = loadConfig('workers', {
      PUBLIC_ORIGIN: ORIGIN,
      LOG_LEVEL: 'silent',
      SMTP_URL: smtp.url,
      ...infra.env,
    });
    const mailer = new DigestMailer(config);
    worker = new DigestProcessor(
      new JobRunClaims(db),
      mailer,
      new DigestService(
        new DigestDeliveries(db),
        mailer,
        new DigestMetrics(new Registry()),
        config,
      ),
    );
  });
  afterAll(async () => {
    await sender?.close();
    extension?.close();
    await smtp?.close();
    await database?.release();
  });

  it('read DATABASE_URL and REDIS_URL from their SSM parameters, with the session token', () => {
    expect(parameterReads.map((read) => read.name).sort()).toEqual([
      '/fediflow/database/url',
      '/fediflow/redis/url',
    ]);
    expect(parameterReads.every((read) => read.token === SESSION_TOKEN)).toBe(true);
  });

  it('sends the digest once to the SMTP server, however often the interval fires', async () => {
    const alice = await localMember(db, { username: 'alice', digest: true });
    const bob = await remoteActor(db, { username: 'bob', uri: 'https://remote.example/users/bob' });
    await notify(db, { to: alice, from: bob, type: 'follow' });
    interval += FIVE_MINUTES;

    expect(await sender.handle(scheduledEvent(interval))).toEqual({
      outcome: 'completed',
      scheduledFor: new Date(interval).toISOString(),
    });
    // A retried or duplicated invocation of the same interval (EventBridge delivers at least once).
    expect((await sender.handle(scheduledEvent(interval + 20_000))).outcome).toBe('skipped');
    expect(smtp.to(alice.email)).toHaveLength(1);
    expect(smtp.to(alice.email)[0]?.headers.get('subject')).toBe(
      '1 new notification on social.test',
    );
  });

  it('never sends together with a Kubernetes worker: both claim the same interval', async () => {
    const carol = await localMember(db, { username: 'carol', digest: true });
    const dave = await remoteActor(db, {
      username: 'dave',
      uri: 'https://remote.example/users/dave',
    });
    await notify(db, { to: carol, from: dave, type: 'follow' });
    interval += FIVE_MINUTES;
    const job = { name: DigestJob.SendDigests, timestamp: interval + 1_000 } as Job;

    const [lambda, kubernetes] = await Promise.all([
      sender.handle(scheduledEvent(interval)),
      worker.process(job),
    ]);
    expect([lambda.outcome, kubernetes].sort()).toEqual(['completed', 'skipped']);
    expect(smtp.to(carol.email)).toHaveLength(1);
  });
});
