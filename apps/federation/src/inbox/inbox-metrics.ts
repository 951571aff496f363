import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/**
 * What became of a POST to an inbox. accepted: verified and queued (202); unsigned: no HTTP
 * Signature; invalid_signature: forged, stale, digest mismatch, signer not the actor, RFC 9421
 * without content-digest; blocked: signer or actor on the domain-block list; too_large: over the
 * body limit; malformed: not JSON or not an activity; not_found: no such inbox; disabled:
 * FEDERATION_ENABLED=false; error: we failed (5xx).
 */
export const INBOX_VERDICTS = [
  'accepted',
  'unsigned',
  'invalid_signature',
  'blocked',
  'too_large',
  'malformed',
  'not_found',
  'disabled',
  'error',
] as const;
export type InboxVerdict = (typeof INBOX_VERDICTS)[number];

@Injectable()
export class InboxMetrics {
  private readonly requests: Counter<'verdict'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.requests = new Counter({
      name: 'fediflow_federation_inbox_requests_total',
      help: 'POSTs to inboxes by verdict: accepted (queued), or why they were refused.',
      labelNames: ['verdict'],
      registers: [registry],
    });
    // Every series exists from the start, so rate() and alerts see the first refusal too.
    for (const verdict of INBOX_VERDICTS) this.requests.inc({ verdict }, 0);
  }

  record(verdict: InboxVerdict): void {
    this.requests.inc({ verdict });
  }
}
