import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** sent: accepted by the SMTP server; retried: failed for now, sent again by a later run; failed: given up. */
export type DigestEmailOutcome = 'sent' | 'failed' | 'retried';

@Injectable()
export class DigestMetrics {
  private readonly emails: Counter<'outcome'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.emails = new Counter({
      name: 'digest_emails_total',
      help: 'Digest emails by outcome: sent, retried (temporary failure, sent again later) or failed.',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  record(outcome: DigestEmailOutcome): void {
    this.emails.inc({ outcome });
  }
}
