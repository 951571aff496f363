/**
 * The ActivityPub documents the loopback "remote servers" (bench RemoteActor, drill RemotePeer)
 * serve and send, shaped as Mastodon's: the `remote` actor with its key, and public notes.
 */
const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;

/** The actor `remote` on `origin` as Mastodon serves it (the parts a verifier reads). */
export function remoteActorDocument(origin: string, publicKeyPem: string): unknown {
  const actorId = `${origin}/users/remote`;
  return {
    '@context': [AS, 'https://w3id.org/security/v1'],
    id: actorId,
    type: 'Person',
    preferredUsername: 'remote',
    inbox: `${actorId}/inbox`,
    outbox: `${actorId}/outbox`,
    followers: `${actorId}/followers`,
    endpoints: { sharedInbox: `${origin}/inbox` },
    publicKey: { id: `${actorId}#main-key`, owner: actorId, publicKeyPem },
  };
}

/** A public `Create` of the note `noteUri` by `actorId`, as its JSON body. */
export function createNoteBody(note: {
  actorId: string;
  noteUri: string;
  content: string;
  published: string;
  /** The note's HTML page, when it has one. */
  url?: string;
}): string {
  const audience = { to: [PUBLIC], cc: [`${note.actorId}/followers`] };
  return JSON.stringify({
    '@context': AS,
    id: `${note.noteUri}/activity`,
    type: 'Create',
    actor: note.actorId,
    published: note.published,
    ...audience,
    object: {
      id: note.noteUri,
      type: 'Note',
      attributedTo: note.actorId,
      content: note.content,
      published: note.published,
      ...(note.url === undefined ? {} : { url: note.url }),
      ...audience,
    },
  });
}
