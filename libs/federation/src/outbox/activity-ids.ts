import { createHash } from 'node:crypto';

/**
 * The one id scheme of the activities FediFlow sends. An id must stay the same when the same
 * activity is sent again (a retried relay, a re-sent Follow, a redelivered Follow answered again)
 * because receivers deduplicate by it, and must differ between different activities.
 *
 * - Activities about a status hang off the status URI, which is served: `Create` and `Announce`
 *   are `{status}/activity` (Mastodon's scheme; the outbox collection serves the Create with this
 *   id), an edit `{status}#updates/{edited at, ms}`, a deletion `{status}#delete`.
 * - Activities about an actor's relations are fragments of the actor URI (which resolves, to the
 *   actor): `#follows/{request id}`, `#likes/{favourite id}`, `#blocks/{block id}`, a profile change
 *   `#updates/{updated at, ms}`.
 * - `Accept`/`Reject` of a Follow: `{actor}#accepts/follows/{key}` / `#rejects/follows/{key}`,
 *   keyed by the Follow's own id. Both the inbox (auto-accept) and the API (approval) answer
 *   Follows; a key from either's table row (follows.id vs follow_requests.id) would give the same
 *   Follow two ids and two different Follows one.
 * - `Undo`: the undone activity's id + `/undo`, whatever was undone (`#follows/3/undo`,
 *   `#likes/5/undo` as Mastodon; `{status}/activity/undo`).
 */
export const activityIds = {
  ofStatus: (status: URL): URL => new URL(`${status.href}/activity`),
  update: (object: URL, at: number): URL => new URL(`${withoutFragment(object)}#updates/${at}`),
  deletion: (status: URL): URL => new URL(`${status.href}#delete`),
  follow: (actor: URL, requestId: string): URL => new URL(`#follows/${requestId}`, actor),
  like: (actor: URL, favouriteId: string): URL => new URL(`#likes/${favouriteId}`, actor),
  block: (actor: URL, blockId: string): URL => new URL(`#blocks/${blockId}`, actor),
  answer: (actor: URL, answer: FollowAnswer, follow: URL): URL =>
    new URL(`#${answer}s/follows/${followKey(follow)}`, actor),
  undo: (undone: URL): URL => new URL(`${undone.href}/undo`),
};

export type FollowAnswer = 'accept' | 'reject';

function withoutFragment(url: URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}

/** Short and URL-safe whatever the Follow's id looks like (a remote's URI of any length). */
function followKey(follow: URL): string {
  return createHash('sha256').update(follow.href).digest('base64url').slice(0, 22);
}
