import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type WorkersConfig } from '@fediflow/config';
import { DigestDeliveries } from './digest-deliveries.repository';
import { classifySendFailure, DigestMailer } from './digest.mailer';
import { DigestMetrics, type DigestEmailOutcome } from './digest.metrics';
import { renderDigest } from './digest.render';

/** Notifications listed in one email; the rest are counted ("and N more"). */
const MAX_ITEMS = 50;
/**
 * A `sending` delivery this old was left behind by a run that died (or could not reach the
 * server) and is sent again. Far longer than one send takes (see the mailer's timeouts).
 */
const LEASE_MS = 2 * 60_000;
/** Notifications younger than this wait for the next run (see `settledBelow`). */
const SETTLE_MS = 60_000;
/** Temporary failures (one a run, every 5 minutes) before a delivery is given up: one hour. */
const MAX_ATTEMPTS = 12;
const BATCH = 100;

export interface DigestRunSummary {
  sent: number;
  retried: number;
  failed: number;
}

/** The SMTP server cannot be used at all (refused connection, authentication, sender). */
export class SmtpUnavailableError extends Error {
  readonly code = 'SMTP_UNAVAILABLE';
}

type DeliveryResult =
  | { outcome: DigestEmailOutcome; unavailable?: string }
  /** Nothing to send: sent or held by another worker, emptied, or the member opted out. */
  | { outcome: 'none' };

/**
 * Emails opted-in members the notifications they received since their last digest.
 *
 * Never the same notification twice, never one lost: `open` moves a member's cursor past their
 * new notifications in the same transaction that records a `sending` delivery for exactly that
 * range with a fixed Message-ID. The email is sent only after that commits, while the delivery
 * row is locked, and marked `sent` in that lock's transaction. A worker that dies before or
 * during the send leaves the delivery `sending` (its lock ends with its connection); the next
 * run, after the lease, rebuilds the same email for the same range and sends it again. The one
 * window for a duplicate is a death between the server's final 250 and the commit of `sent`;
 * the unchanged Message-ID lets mail systems drop that copy.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly deliveries: DigestDeliveries,
    private readonly mailer: DigestMailer,
    private readonly metrics: DigestMetrics,
    @Inject(APP_CONFIG) private readonly config: WorkersConfig,
  ) {}

  async run(): Promise<DigestRunSummary> {
    const summary: DigestRunSummary = { sent: 0, retried: 0, failed: 0 };
    // Left-behind deliveries first: their members get no newer digest until these are done.
    for await (const id of keyset((after) => this.deliveries.stalled(LEASE_MS, after, BATCH))) {
      await this.deliver(id, summary);
    }
    for await (const userId of keyset((after) => this.deliveries.due(SETTLE_MS, after, BATCH))) {
      const id = await this.deliveries.open(userId, SETTLE_MS, this.mailer.host);
      if (id !== undefined) await this.deliver(id, summary);
    }
    return summary;
  }

  private async deliver(deliveryId: string, summary: DigestRunSummary): Promise<void> {
    const result = await this.deliveries.transaction(async (manager): Promise<DeliveryResult> => {
      const delivery = await this.deliveries.lock(manager, deliveryId);
      if (!delivery) return { outcome: 'none' };
      const { items, total } = delivery.digestEnabled
        ? await this.deliveries.contents(manager, delivery, MAX_ITEMS)
        : { items: [], total: 0 };
      if (total === 0) {
        const reason = delivery.digestEnabled
          ? 'every notification was deleted before sending'
          : 'the member turned the digest off';
        await this.deliveries.markFailed(manager, deliveryId, reason, true);
        this.logger.log({ msg: `digest not sent: ${reason}`, delivery_id: deliveryId });
        return { outcome: 'none' };
      }
      const unsubscribeUrl = this.unsubscribeUrl(delivery.unsubscribeToken);
      try {
        await this.mailer.send({
          ...renderDigest({ items, total, origin: this.config.PUBLIC_ORIGIN, unsubscribeUrl }),
          to: delivery.email,
          messageId: delivery.messageId,
          unsubscribeUrl,
        });
      } catch (error) {
        const failure = classifySendFailure(error);
        const final = failure.kind === 'permanent' || delivery.attempts + 1 >= MAX_ATTEMPTS;
        await this.deliveries.markFailed(manager, deliveryId, failure.reason, final);
        this.logger.warn({
          msg: `digest ${final ? 'failed' : 'deferred'}: ${failure.reason}`,
          delivery_id: deliveryId,
          attempt: delivery.attempts + 1,
        });
        return {
          outcome: final ? 'failed' : 'retried',
          ...(failure.kind === 'unavailable' ? { unavailable: failure.reason } : {}),
        };
      }
      await this.deliveries.markSent(manager, deliveryId);
      return { outcome: 'sent' };
    });
    if (result.outcome === 'none') return;
    this.metrics.record(result.outcome);
    summary[result.outcome] += 1;
    // Every other member would fail the same way: end the run, the job's retry tries again.
    if ('unavailable' in result && result.unavailable !== undefined) {
      throw new SmtpUnavailableError(`SMTP server unavailable: ${result.unavailable}`);
    }
  }

  private unsubscribeUrl(token: string): string {
    const url = new URL('/email/unsubscribe', this.config.PUBLIC_ORIGIN);
    url.searchParams.set('token', token);
    return url.href;
  }
}

/** Every id `page` yields, page after page, each page starting after the last id seen. */
async function* keyset(page: (after: string) => Promise<string[]>): AsyncGenerator<string> {
  let after = '0';
  for (;;) {
    const ids = await page(after);
    yield* ids;
    if (ids.length < BATCH) return;
    after = ids.at(-1)!;
  }
}
