import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DependencyUnavailableError, InputRejectedError, registerCors } from '@fediflow/bootstrap';
import { APP_CONFIG, type FederationConfig } from '@fediflow/config';
import {
  FederationRuntime,
  INSTANCE_ACTOR_PATH,
  instanceActorDocument,
} from '@fediflow/federation';
import { SqsEnqueueError } from '@fediflow/federation-adapters';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { InboxMetrics } from '../inbox/inbox-metrics';
import { INBOX_ROUTES, registerInboxRoutes } from '../inbox/inbox-routes';
import { SignedInboxFastPath } from '../inbox/signed-inbox-fast-path';
import { FEDERATION_PATHS, HOST_META_PATH, OWN_PATHS } from './federation-paths';

/** How long a sender waits before redelivering while SQS does not take inbound activities. */
const SQS_RETRY_AFTER_SECONDS = 30;

function hostMeta(origin: string): string {
  const template = `${origin}/.well-known/webfinger?resource={uri}`.replace(/&/g, '&amp;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="${template}"/>
</XRD>
`;
}

const ACTIVITY_JSON = 'application/activity+json';
const AP_ACCEPT = /application\/(activity\+json|ld\+json)/i;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

/** Browsers asking for an actor or a post go to its page; anything else is not acceptable. */
function notAcceptable(origin: string) {
  return (request: Request): Response => {
    const { pathname } = new URL(request.url);
    const status = /^\/users\/([^/]+)\/statuses\/(\d+)$/.exec(pathname);
    const actor = /^\/users\/([^/]+)$/.exec(pathname);
    const location = status
      ? `${origin}/@${status[1]}/${status[2]}`
      : actor
        ? `${origin}/@${actor[1]}`
        : undefined;
    if (location && request.method === 'GET') {
      return new Response(null, { status: 302, headers: { location, vary: 'Accept' } });
    }
    return json(406, { error: 'Not Acceptable' });
  };
}

/** The incoming Fastify request as a Fetch `Request` (body kept as the exact bytes received). */
export function toFetchRequest(request: FastifyRequest): Request {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const body = hasBody && Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : undefined;
  return new Request(url, { method: request.method, headers, body: hasBody ? body : undefined });
}

async function sendFetchResponse(
  response: Response,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  reply.code(response.status);
  response.headers.forEach((value, name) => reply.header(name, value));
  if (!response.body || request.method === 'HEAD') return reply.send();
  return reply.send(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>));
}

/**
 * Fedify's answer in the service's shape. Its refusals (a signature that does not verify, an
 * activity without an actor) come as plain text: they get Mastodon's `{"error": "..."}` with the
 * same status. A failure of its own (a listener throwing without a queue, a body read twice) is a
 * bare 500 it logged without our request id: that is thrown instead, so the service's error
 * mapper answers it (500 with the request id, a logged stack).
 */
export async function fedifyAnswer(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const plainText = /^text\/plain\b/i.test(response.headers.get('content-type') ?? '');
  if (response.status < 500 && !plainText) return response;
  const said = (await response.text()).trim();
  if (response.status >= 500) {
    throw new Error(`Fedify answered ${response.status}${said ? `: ${said}` : ''}`);
  }
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.delete('content-length');
  const error = said || response.statusText || `HTTP ${response.status}`;
  return new Response(JSON.stringify({ error }), { status: response.status, headers });
}

/** The `code` of an error raised by the jsonld processor (its names are `jsonld.*`). */
export function jsonLdErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.name.startsWith('jsonld.')) return undefined;
  const details = (error as { details?: { code?: unknown } }).details;
  return typeof details?.code === 'string' ? details.code : error.name;
}

/** Bodies reach Fedify byte for byte (digests and signatures cover them). */
function keepRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
}

/**
 * Hands the federation-owned paths to Fedify (`federation.fetch`) before Nest's router would
 * 404 them, inbox POSTs after screening them (inbox-routes). With `FEDERATION_ENABLED=false`
 * only the inboxes are mounted, to count refused deliveries; every path answers 404.
 */
export async function configureFederationHttp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<FederationConfig>(APP_CONFIG);
  const metrics = app.get(InboxMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  // Browser clients read WebFinger, NodeInfo and actors cross-origin, as from Mastodon.
  await registerCors(app);
  if (!config.FEDERATION_ENABLED) {
    await fastify.register(async (scope) => {
      keepRawBodies(scope);
      registerInboxRoutes(scope, { metrics });
    });
    return;
  }
  const runtime = app.get(FederationRuntime);
  const { federation, origin, keys, domainBlocks } = runtime;
  const onNotAcceptable = notAcceptable(origin);
  const toFedify = async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await federation.fetch(toFetchRequest(request), {
      contextData: undefined,
      onNotFound: () => json(404, { error: 'Record not found' }),
      onNotAcceptable,
    });
    return sendFetchResponse(await fedifyAnswer(response), request, reply);
  };

  await fastify.register(async (scope) => {
    keepRawBodies(scope);
    const fastPath = new SignedInboxFastPath({
      kv: runtime.kv,
      queue: runtime.inboxQueue,
      origin,
    });
    registerInboxRoutes(scope, {
      metrics,
      federation: {
        isBlocked: (hostOrUrl) => domainBlocks.isBlocked(hostOrUrl),
        assertQueueAvailable: () => runtime.queue.assertProducerReady(),
        deliver: async (request, reply, { activity, signature }) => {
          const body = Buffer.isBuffer(request.body) ? request.body : undefined;
          try {
            // The shared inbox takes most traffic; anything the fast path does not vouch for
            // (and every member inbox, which also needs its recipient looked up) goes to Fedify.
            if (request.url === '/inbox' && body) {
              const post = {
                url: request.url,
                headers: request.headers,
                body,
                activity,
                signature,
              };
              if (await fastPath.tryAccept(post)) return reply.code(202).send();
            }
            return await toFedify(request, reply);
          } catch (error) {
            // A document JSON-LD cannot expand (a @context that is no URL or no context) is the
            // sender's fault; Fedify lets jsonld's error escape instead of refusing it.
            const jsonLdCode = jsonLdErrorCode(error);
            if (jsonLdCode !== undefined) {
              throw new InputRejectedError(400, `the activity's JSON-LD is invalid: ${jsonLdCode}`);
            }
            // INBOUND_QUEUE=sqs and SQS did not take it: the sender retries later.
            if (!(error instanceof SqsEnqueueError)) throw error;
            throw new DependencyUnavailableError('inbound queue', {
              retryAfterSeconds: SQS_RETRY_AFTER_SECONDS,
              cause: error,
            });
          }
        },
      },
    });
    // The instance actor is no member, so it is served here rather than by Fedify's actor
    // dispatcher (one path template only); its inbox is the shared one.
    scope.route({
      method: ['GET', 'HEAD'],
      url: INSTANCE_ACTOR_PATH,
      handler: async (request, reply) => {
        if (!AP_ACCEPT.test(request.headers.accept ?? '')) {
          return sendFetchResponse(onNotAcceptable(toFetchRequest(request)), request, reply);
        }
        const document = await instanceActorDocument(origin, keys);
        return reply
          .code(200)
          .header('content-type', ACTIVITY_JSON)
          .header('vary', 'Accept')
          .send(JSON.stringify(document));
      },
    });
    // Fedify does not serve host-meta; older software still discovers WebFinger through it.
    scope.get(HOST_META_PATH, async (_request, reply) =>
      reply
        .code(200)
        .header('content-type', 'application/xrd+xml; charset=utf-8')
        .send(hostMeta(origin)),
    );
    for (const url of FEDERATION_PATHS.filter((path) => !OWN_PATHS.includes(path))) {
      // Inbox POSTs have their own routes (more specific than the `/users/*` wildcard).
      const methods: HTTPMethods[] = INBOX_ROUTES.includes(url)
        ? ['GET', 'HEAD']
        : ['GET', 'HEAD', 'POST'];
      scope.route({ method: methods, url, handler: toFedify });
    }
  });
}
