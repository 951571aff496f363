import type { RemoteServer } from '../remote-server.testing';

export const AS = 'https://www.w3.org/ns/activitystreams';
export const PUBLIC = `${AS}#Public`;

/** A public Note by bob (the remote server's actor), as Mastodon would send it. */
export interface BobNote extends Record<string, unknown> {
  id: string;
  to: string[];
}

/** bob's `n`th Note: public, cc his followers; `extra` adds or overrides fields. */
export function remoteNote(
  remote: RemoteServer,
  n: number,
  extra: Record<string, unknown> = {},
): BobNote {
  return {
    id: `${remote.origin}/users/bob/statuses/${n}`,
    type: 'Note',
    attributedTo: remote.actorId.href,
    url: `${remote.origin}/@bob/${n}`,
    published: '2026-01-02T03:04:05Z',
    to: [PUBLIC],
    cc: [`${remote.origin}/users/bob/followers`],
    ...extra,
  };
}

/** The Create that delivers `object`, addressed as the object is. */
export function remoteCreate(remote: RemoteServer, object: BobNote): Record<string, unknown> {
  return {
    id: `${object.id}/activity`,
    type: 'Create',
    actor: remote.actorId.href,
    to: object.to,
    cc: object['cc'],
    object,
  };
}
