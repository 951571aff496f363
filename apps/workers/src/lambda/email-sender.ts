import { Logger } from '@nestjs/common';
import type { ScheduledEvent } from 'aws-lambda';
import { Registry } from 'prom-client';
import { DigestDeliveries } from '../digest/digest-deliveries.repository';
import { DigestMailer } from '../digest/digest.mailer';
import { DigestMetrics } from '../digest/digest.metrics';
import { DigestProcessor } from '../digest/digest.processor';
import { DigestService } from '../digest/digest.service';
import { JobRunClaims } from '../scheduling/job-run-claims';
import { openLambdaEnvironment, type LambdaEnvironmentOptions } from './lambda-environment';

/** What the schedule passes (an EventBridge scheduled event; `time` is when it was due). */
export type EmailSenderEvent = Partial<Pick<ScheduledEvent, 'time' | 'id'>>;

export interface EmailSenderResult {
  outcome: 'completed' | 'skipped';
  scheduledFor: string;
}

export interface EmailSender {
  handle(event: EmailSenderEvent): Promise<EmailSenderResult>;
  close(): Promise<void>;
}

/**
 * The emailSender Lambda (rate(5 minutes)): the Kubernetes workers' digest processor and
 * service, claiming the same `job_runs` interval, so the schedule and a worker never both send
 * an interval's digests. A failed run throws: the invocation fails (the scheduler's retry or the
 * next interval runs it again) and the claim is marked failed, so it may be claimed again.
 */
export async function createEmailSender(
  options: Omit<LambdaEnvironmentOptions, 'name'>,
): Promise<EmailSender> {
  const environment = await openLambdaEnvironment({ ...options, name: 'email-sender' });
  const { config, db } = environment;
  const mailer = new DigestMailer(config);
  const digests = new DigestService(
    new DigestDeliveries(db),
    mailer,
    new DigestMetrics(new Registry()),
    config,
  );
  const processor = new DigestProcessor(new JobRunClaims(db), mailer, digests);
  const logger = new Logger('EmailSender');
  return {
    handle: async (event) => {
      const due = event.time ? Date.parse(event.time) : Number.NaN;
      if (event.time !== undefined && Number.isNaN(due)) {
        logger.warn({ msg: 'the event has no valid time; using now', time: event.time });
      }
      const scheduledAt = Number.isNaN(due) ? Date.now() : due;
      const outcome = await processor.runScheduled(scheduledAt);
      return { outcome, scheduledFor: new Date(scheduledAt).toISOString() };
    },
    close: async () => {
      mailer.onModuleDestroy();
      await environment.close();
    },
  };
}
