import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InboxMetrics, InboxVerdict } from './inbox-metrics';
import { screenInboxRequest, type InboxScreenOptions } from './inbox-screen';
import { parseInboxSignature, type InboxSignature } from './inbox-signature';

/** The shared inbox and the members' inboxes (Fedify's `setInboxListeners` paths). */
export const INBOX_ROUTES = ['/inbox', '/users/:username/inbox'];

/**
 * Largest inbox body accepted. Real activities are a few KiB; Mastodon refuses bodies over 1 MiB
 * too. Larger ones get 413 before a byte is parsed.
 */
export const INBOX_BODY_LIMIT = 1_048_576;

/**
 * Media types of activities (ActivityPub §5.1/§7): `application/ld+json` (with the
 * ActivityStreams profile, which is not insisted on) and `application/activity+json`.
 */
const ACTIVITY_MEDIA_TYPE = /^application\/(activity\+json|ld\+json)\s*(;|$)/i;

/** Whether a Content-Type names an ActivityPub activity. */
export function isActivityContentType(value: string | undefined): boolean {
  return value !== undefined && ACTIVITY_MEDIA_TYPE.test(value.trim());
}

/** Fedify's answer to a screened request, as a verdict (202 also for an already seen activity). */
function verdictOf(status: number): InboxVerdict {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401) return 'invalid_signature';
  if (status === 404) return 'not_found';
  if (status === 413) return 'too_large';
  if (status >= 400 && status < 500) return 'malformed';
  return 'error';
}

export interface InboxRouteOptions {
  metrics: InboxMetrics;
  /** undefined when FEDERATION_ENABLED=false: every inbox answers 404 and counts as disabled. */
  federation?: InboxScreenOptions & {
    /** Throws (answered 503) while the queue cannot take an activity, before any work. */
    assertQueueAvailable(): void;
    /** Hands a screened request (its activity and signature parsed) on to be verified and queued. */
    deliver(
      request: FastifyRequest,
      reply: FastifyReply,
      screened: { activity: Record<string, unknown>; signature: InboxSignature },
    ): Promise<FastifyReply>;
  };
}

/**
 * POSTs to inboxes: screened here (domain blocks, body shape, signature present), then verified
 * and queued by Fedify. Each request is counted once by verdict, including those Fastify refuses
 * before the handler runs (413 over the body limit), hence the onResponse hook. Register inside
 * a scope whose content-type parser keeps the raw body (signatures and digests cover its bytes).
 */
export function registerInboxRoutes(scope: FastifyInstance, options: InboxRouteOptions): void {
  const verdicts = new WeakMap<FastifyRequest, InboxVerdict>();
  const { metrics, federation } = options;
  for (const url of INBOX_ROUTES) {
    scope.route({
      method: 'POST',
      url,
      bodyLimit: INBOX_BODY_LIMIT,
      onResponse: (request, reply, done) => {
        metrics.record(verdicts.get(request) ?? verdictOf(reply.statusCode));
        done();
      },
      handler: async (request, reply) => {
        if (!federation) {
          verdicts.set(request, 'disabled');
          return reply.code(404).send({ error: 'Federation is disabled on this server' });
        }
        if (!isActivityContentType(request.headers['content-type'])) {
          verdicts.set(request, 'malformed');
          return reply.code(415).send({
            error: 'activities must be sent as application/activity+json or application/ld+json',
          });
        }
        federation.assertQueueAvailable();
        const body = Buffer.isBuffer(request.body) ? request.body : undefined;
        const signature = parseInboxSignature(request.headers);
        const screened = await screenInboxRequest(signature, body, federation);
        if ('status' in screened) {
          verdicts.set(request, screened.verdict);
          return reply.code(screened.status).send({ error: screened.reason });
        }
        return federation.deliver(request, reply, { activity: screened.activity, signature });
      },
    });
  }
}
