import type { ActorKeyPair, Context } from '@fedify/fedify';
import { Endpoints, Person, Service } from '@fedify/fedify/vocab';
import type { LocalAccountRow } from './local-actors';
import { textToHtml } from './remote-text';
import { instant } from './temporal';

/**
 * A member's actor document, the one both the actor dispatcher and `Update(Person)` send.
 * `publicKey` is ONE object, the RSA key (`#main-key`): Misskey and its forks refuse an array
 * ("publicKey.id is not a string", ApPersonService.validateActor) and Mastodon verifies with the
 * first key only. Every key (Ed25519 included) is listed in `assertionMethod` (FEP-521a), which
 * Object Integrity Proofs reference. Bots are `Service`, as Mastodon and Misskey read them.
 */
export function toPerson(
  ctx: Context<void>,
  account: LocalAccountRow,
  pairs: readonly ActorKeyPair[],
): Person | Service {
  const identifier = account.username;
  const values = {
    id: ctx.getActorUri(identifier),
    preferredUsername: account.username,
    name: account.display_name || account.username,
    summary: account.note ? textToHtml(account.note) : null,
    url: new URL(`/@${account.username}`, ctx.canonicalOrigin),
    published: instant(account.created_at),
    updated: instant(account.updated_at),
    manuallyApprovesFollowers: account.locked,
    discoverable: account.discoverable,
    inbox: ctx.getInboxUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    // The key store hands the RSA pair first (`#main-key`), the Ed25519 one second.
    publicKey: pairs[0]?.cryptographicKey ?? null,
    assertionMethods: pairs.map((pair) => pair.multikey),
  };
  return account.bot ? new Service(values) : new Person(values);
}
