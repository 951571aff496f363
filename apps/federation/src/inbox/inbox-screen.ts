import { findNul, jsonDepthExceeds, MAX_JSON_DEPTH } from '@fediflow/bootstrap';
import type { InboxVerdict } from './inbox-metrics';
import { actorIds } from './inbox-request';
import type { InboxSignature } from './inbox-signature';

/** A refusal decided before Fedify sees the request: status, verdict and the reason sent back. */
export interface InboxRefusal {
  status: 400 | 401 | 403;
  verdict: InboxVerdict;
  reason: string;
}

/** A request that passed: the activity as parsed here, so nothing parses the body twice. */
export interface ScreenedActivity {
  activity: Record<string, unknown>;
}

export interface InboxScreenOptions {
  /** `DomainBlocks.isBlocked`: whether a host or URL is on or below a blocked domain. */
  isBlocked(hostOrUrl: string): Promise<boolean>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

async function firstBlocked(
  urls: readonly string[],
  isBlocked: InboxScreenOptions['isBlocked'],
): Promise<string | undefined> {
  for (const url of urls) {
    if (await isBlocked(url)) return url;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Checks an inbox POST before Fedify verifies it, for what Fedify would not refuse, would refuse
 * only after fetching the signer's key, or would refuse without saying why:
 * a signer or actor on a blocked domain (403, before any fetch to that domain), a body that is
 * not a JSON activity with an actor, nests too deep or holds a NUL (400), no signature at all or
 * one that is not base64 (401), and an RFC 9421 signature that does not cover `content-digest`
 * (401: Fedify would then accept any body under it).
 * Otherwise returns the parsed activity, for Fedify (or the shared inbox's fast path) to decide.
 */
export async function screenInboxRequest(
  signature: InboxSignature,
  body: Buffer | undefined,
  options: InboxScreenOptions,
): Promise<InboxRefusal | ScreenedActivity> {
  const blockedSigner = await firstBlocked(signature.keyIds, options.isBlocked);
  if (blockedSigner) {
    return {
      status: 403,
      verdict: 'blocked',
      reason: `deliveries from ${hostOf(blockedSigner)} are blocked here`,
    };
  }

  if (!body || body.length === 0) {
    return { status: 400, verdict: 'malformed', reason: 'the body is empty' };
  }
  const text = body.toString('utf8');
  // Checked before parsing: JSON-LD processing further on would overflow the stack.
  if (jsonDepthExceeds(text)) {
    return {
      status: 400,
      verdict: 'malformed',
      reason: `the body is nested deeper than ${MAX_JSON_DEPTH} levels`,
    };
  }
  let activity: unknown;
  try {
    activity = JSON.parse(text);
  } catch {
    return { status: 400, verdict: 'malformed', reason: 'the body is not JSON' };
  }
  if (!activity || typeof activity !== 'object' || Array.isArray(activity)) {
    return { status: 400, verdict: 'malformed', reason: 'the body is not a JSON object' };
  }
  const fields = activity as Record<string, unknown>;
  const nul = findNul(fields);
  if (nul) {
    return { status: 400, verdict: 'malformed', reason: `${nul} contains a NUL character` };
  }
  if (typeof fields['type'] !== 'string' && !Array.isArray(fields['type'])) {
    return { status: 400, verdict: 'malformed', reason: 'the body is not an activity (no type)' };
  }
  const actors = actorIds(fields);
  if (actors.length === 0) {
    return { status: 400, verdict: 'malformed', reason: 'the activity has no actor' };
  }
  const blockedActor = await firstBlocked(actors, options.isBlocked);
  if (blockedActor) {
    return {
      status: 403,
      verdict: 'blocked',
      reason: `activities of ${hostOf(blockedActor)} are blocked here`,
    };
  }

  if (signature.keyIds.length === 0 && !signature.signed) {
    return {
      status: 401,
      verdict: 'unsigned',
      reason: 'inbox deliveries must carry an HTTP Signature (draft-cavage or RFC 9421)',
    };
  }
  if (!signature.values.every((value) => BASE64.test(value))) {
    return {
      status: 401,
      verdict: 'invalid_signature',
      reason: 'the signature value is not base64',
    };
  }
  const uncovered = signature.inputs.some((input) => !input.components.includes('content-digest'));
  if (uncovered) {
    return {
      status: 401,
      verdict: 'invalid_signature',
      reason: 'an RFC 9421 signature of a POST must cover content-digest',
    };
  }
  return { activity: fields };
}
