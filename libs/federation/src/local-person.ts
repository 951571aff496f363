import type { ActorKeyPair, Context } from '@fedify/fedify';
import { Endpoints, Image, Person, Service } from '@fedify/fedify/vocab';
import type { LocalAccountRow } from './local-actors';
import { mediaFileUri } from './outbox/outbound-notes';
import { textToHtml } from './remote-text';
import { instant } from './temporal';

/**
 * A member's actor document, the one both the actor dispatcher and `Update(Person)` send.
 * `publicKey` is ONE object, the RSA key (`#main-key`): Misskey and its forks refuse an array
 * ("publicKey.id is not a string", ApPersonService.validateActor) and Mastodon verifies with the
 * first key only. Every key (Ed25519 included) is listed in `assertionMethod` (FEP-521a), which
 * Object Integrity Proofs reference. Bots are `Service`, as Mastodon and Misskey read them.
 * An uploaded avatar and header are `icon` and `image`, one `Image` each with `mediaType` and an
 * absolute `url` string, as Mastodon's ActorSerializer sends them and Misskey's ApImageService
 * requires (a `url` that is not a string is refused); the default images are not sent.
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
    icon: profileImage(ctx, account.avatar_file_key),
    image: profileImage(ctx, account.header_file_key),
  };
  return account.bot ? new Service(values) : new Person(values);
}

/** The types of the extensions `mediaKeys` gives profile images (libs/media IMAGE_TYPES). */
const IMAGE_TYPE_OF_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

function profileImage(ctx: Context<void>, key: string | null): Image | null {
  if (!key) return null;
  const mediaType = IMAGE_TYPE_OF_EXTENSION[key.split('.').pop() ?? ''] ?? null;
  return new Image({ url: mediaFileUri(ctx, key), mediaType });
}
