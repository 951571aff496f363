/**
 * draft-cavage HTTP signatures (RSA-SHA256) by hand with node:crypto, as Mastodon sends them:
 * the bench's "remote server" signs inbox POSTs with it, and the raw inbox baseline verifies
 * with it — the minimal work Fedify does for a signed POST, without the framework around it.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What Mastodon (and Fedify's draft-cavage first knock) covers in a POST's signature. */
export const SIGNED_HEADERS = ['(request-target)', 'host', 'date', 'digest', 'content-type'];

/** Fedify's default: signatures whose `Date` is further than an hour from now are stale. */
export const DATE_WINDOW_MS = 60 * 60 * 1000;

export function digestOf(body: string | Buffer): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

function signingString(
  method: string,
  path: string,
  names: readonly string[],
  header: (name: string) => string | undefined,
): string | undefined {
  const lines: string[] = [];
  for (const name of names) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${method.toLowerCase()} ${path}`);
      continue;
    }
    const value = header(name);
    if (value === undefined) return undefined;
    lines.push(`${name}: ${value}`);
  }
  return lines.join('\n');
}

/** Headers of a signed `POST path` with `body` (JSON) to `host`, dated `date`. */
export function signedPostHeaders(options: {
  path: string;
  host: string;
  body: string;
  keyId: string;
  privateKey: KeyObject;
  date?: Date;
}): Record<string, string> {
  const headers: Record<string, string> = {
    host: options.host,
    date: (options.date ?? new Date()).toUTCString(),
    digest: digestOf(options.body),
    'content-type': 'application/activity+json',
  };
  const data = signingString('POST', options.path, SIGNED_HEADERS, (name) => headers[name]);
  const signature = sign('sha256', Buffer.from(data ?? ''), options.privateKey).toString('base64');
  headers['signature'] =
    `keyId="${options.keyId}",algorithm="rsa-sha256",` +
    `headers="${SIGNED_HEADERS.join(' ')}",signature="${signature}"`;
  return headers;
}

export type Verdict = { ok: true; keyId: string } | { ok: false; reason: string };

/**
 * Verifies a draft-cavage signature of a request whose body has been read: the signature must
 * cover (request-target), host, date and digest, the date lie within the window, the digest match
 * the body, and the RSA-SHA256 signature verify with the key `keyFor(keyId)` returns.
 */
export function verifySignedRequest(
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer },
  keyFor: (keyId: string) => KeyObject | undefined,
  now = Date.now(),
): Verdict {
  const header = request.headers['signature'];
  if (typeof header !== 'string') return { ok: false, reason: 'unsigned' };
  const params = new Map<string, string>();
  for (const [, name, value] of header.matchAll(/(\w+)="([^"]*)"/g))
    if (name && value !== undefined) params.set(name, value);
  const keyId = params.get('keyId');
  const signature = params.get('signature');
  const names = (params.get('headers') ?? 'date').toLowerCase().split(' ');
  const algorithm = params.get('algorithm') ?? 'hs2019';
  if (!keyId || !signature) return { ok: false, reason: 'malformed signature' };
  if (algorithm !== 'rsa-sha256' && algorithm !== 'hs2019')
    return { ok: false, reason: `unsupported algorithm ${algorithm}` };
  if (!['(request-target)', 'host', 'date', 'digest'].every((name) => names.includes(name)))
    return { ok: false, reason: 'signature does not cover the request' };
  const date = Date.parse(String(request.headers['date']));
  if (!(Math.abs(now - date) <= DATE_WINDOW_MS)) return { ok: false, reason: 'stale date' };
  const digest = request.headers['digest'];
  if (typeof digest !== 'string' || digest !== digestOf(request.body))
    return { ok: false, reason: 'digest mismatch' };
  const key = keyFor(keyId);
  if (!key) return { ok: false, reason: 'unknown key' };
  const data = signingString(request.method, request.url, names, (name) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  });
  if (data === undefined) return { ok: false, reason: 'a signed header is missing' };
  const valid = verify('sha256', Buffer.from(data), key, Buffer.from(signature, 'base64'));
  return valid ? { ok: true, keyId } : { ok: false, reason: 'bad signature' };
}
