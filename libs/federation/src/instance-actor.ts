import type { SenderKeyPair } from '@fedify/fedify';
import { Application, CryptographicKey, Endpoints, Multikey } from '@fedify/fedify/vocab';
import type { ActorKeyStore } from './actor-keys';

export const INSTANCE_ACTOR_PATH = '/actor';

export function instanceActorUri(origin: string): URL {
  return new URL(INSTANCE_ACTOR_PATH, origin);
}

/** The instance actor's RSA key: signs fetches made on nobody's behalf (shared inbox, lookups). */
export async function instanceKeyPair(origin: string, keys: ActorKeyStore): Promise<SenderKeyPair> {
  const [rsa] = await keys.forInstance();
  return { keyId: new URL('#main-key', instanceActorUri(origin)), privateKey: rsa!.privateKey };
}

/**
 * The instance actor (`/actor`, an `Application`), as Mastodon's: a key owner remote servers can
 * check when we sign fetches in the instance's name. It has an inbox (the shared one) but posts
 * nothing.
 */
export async function instanceActorDocument(origin: string, keys: ActorKeyStore): Promise<unknown> {
  const id = instanceActorUri(origin);
  const host = new URL(origin).host;
  const [rsa, ed25519] = await keys.forInstance();
  const actor = new Application({
    id,
    preferredUsername: host,
    name: host,
    url: new URL('/about', origin),
    inbox: new URL('/inbox', origin),
    outbox: null,
    endpoints: new Endpoints({ sharedInbox: new URL('/inbox', origin) }),
    manuallyApprovesFollowers: true,
    publicKey: new CryptographicKey({
      id: new URL('#main-key', id),
      owner: id,
      publicKey: rsa!.publicKey,
    }),
    assertionMethods: [
      new Multikey({
        id: new URL('#ed25519-key', id),
        controller: id,
        publicKey: ed25519!.publicKey,
      }),
    ],
  });
  return actor.toJsonLd({ format: 'compact' });
}
