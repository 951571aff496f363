/**
 * What other implementations' parsers demand of the documents FediFlow sends, written down from
 * their source as small checks. Each returns the problems it finds (empty: the peer accepts it).
 * Documents are compact JSON-LD as delivered (plain objects), checked the way each peer reads
 * them: mostly without JSON-LD expansion, so a shape the peer does not expect is a problem even
 * when it is equivalent JSON-LD.
 */
export type Json = Record<string, unknown>;

const ACTOR_TYPES = ['Person', 'Service', 'Group', 'Organization', 'Application'];

function str(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function asArray(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).id === 'string') {
    return (value as Json).id as string;
  }
  return undefined;
}

function host(uri: string): string {
  return new URL(uri).host;
}

/**
 * Misskey (and Sharkey, Firefish, Iceshrimp, which keep this code):
 * packages/backend/src/core/activitypub/models/ApPersonService.ts `validateActor`, plus
 * `createPerson`'s `checkHttps(url)`.
 */
export function misskeyActorProblems(actor: Json, fetchedFrom: string): string[] {
  const problems: string[] = [];
  if (!ACTOR_TYPES.includes(String(actor.type)))
    problems.push(`invalid Actor type '${actor.type}'`);
  if (!str(actor.id)) return [...problems, 'invalid Actor: wrong id'];
  if (!str(actor.inbox)) problems.push('invalid Actor: wrong inbox');
  const username = actor.preferredUsername;
  if (!(str(username) && username.length <= 128 && /^\w([\w-.]*\w)?$/.test(username))) {
    problems.push('invalid Actor: wrong username');
  }
  if (actor.name && typeof actor.name !== 'string') problems.push('invalid Actor: wrong name');
  if (actor.summary && typeof actor.summary !== 'string') {
    problems.push('invalid Actor: wrong summary');
  }
  if (host(actor.id) !== host(fetchedFrom)) problems.push('invalid Actor: id has different host');
  if (actor.publicKey) {
    const key = actor.publicKey as Json;
    if (typeof key.id !== 'string') problems.push('invalid Actor: publicKey.id is not a string');
    else if (new URL(key.id).hostname !== new URL(fetchedFrom).hostname) {
      problems.push('invalid Actor: publicKey.id has different host');
    }
  }
  const url = asArray(actor.url)[0];
  if (typeof url === 'string' && !url.startsWith('https://')) {
    problems.push(`unexpected schema of person url: ${url}`);
  }
  // ApImageService.createImage, for `icon` (avatar) and `image` (banner).
  for (const key of ['icon', 'image'] as const) {
    const image = actor[key] as Json | null | undefined;
    if (image === undefined || image === null) continue;
    if (typeof image.url !== 'string')
      problems.push(`invalid image: unexpected type of url (${key})`);
    else if (!image.url.startsWith('https://')) {
      problems.push(`invalid image: unexpected schema of url: ${image.url}`);
    }
  }
  return problems;
}

/**
 * Misskey packages/backend/src/core/activitypub/models/tag.ts `extractApHashtags`: only `tag`
 * entries of type Hashtag whose `name` starts with `#` become hashtags; Mentions come from `tag`
 * entries of type Mention with an `href` (ApMentionService.extractApMentions).
 */
export function misskeyHashtags(note: Json): string[] {
  return asArray(note.tag)
    .map((tag) => tag as Json)
    .filter((tag) => tag.type === 'Hashtag' && typeof tag.name === 'string')
    .map((tag) => /^#(.+)/.exec(tag.name as string)?.[1])
    .filter((name): name is string => name !== undefined);
}

export function mentionHrefs(note: Json): string[] {
  return asArray(note.tag)
    .map((tag) => tag as Json)
    .filter((tag) => tag.type === 'Mention' && str(tag.href))
    .map((tag) => tag.href as string);
}

/**
 * Mastodon app/lib/activitypub/activity/create.rb `process_tags`/`process_hashtag` (Hashtag
 * `name` with the `#` stripped, lower-cased) and app/services/activitypub/process_account_service.rb
 * with fetch_remote_key_service.rb: the first `publicKey` must carry `publicKeyPem` and name the
 * actor as `owner`; `inbox` and `preferredUsername` are required.
 */
export function mastodonActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  if (!ACTOR_TYPES.includes(String(actor.type))) problems.push(`unsupported type ${actor.type}`);
  if (!str(actor.inbox)) problems.push('no inbox');
  if (!str(actor.preferredUsername)) problems.push('no preferredUsername');
  const key = asArray(actor.publicKey)[0] as Json | undefined;
  if (!key) problems.push('no publicKey');
  else {
    if (!str(key.publicKeyPem)) problems.push('first publicKey has no publicKeyPem');
    if (idOf(key.owner) !== actor.id) problems.push('publicKey.owner is not the actor');
  }
  // ProcessAccountService#image_url: the first `icon`/`image`, an object whose `url` is the
  // string downloaded as the avatar/header (a bare string would be fetched as an Image first).
  for (const key of ['icon', 'image'] as const) {
    const image = asArray(actor[key])[0] as Json | string | undefined;
    if (image === undefined) continue;
    if (typeof image === 'string' || !str(image.url)) problems.push(`${key} has no url string`);
  }
  return problems;
}

export function mastodonHashtags(note: Json): string[] {
  return asArray(note.tag)
    .map((tag) => tag as Json)
    .filter((tag) => asArray(tag.type).includes('Hashtag') && str(tag.name))
    .map((tag) => (tag.name as string).replace(/^#/, '').toLowerCase());
}

/**
 * Mastodon app/lib/activitypub/activity/create.rb: the object's `attributedTo` must be the
 * activity's actor (`invalid_origin?`), and its type one of the supported object types.
 */
export function mastodonCreateProblems(create: Json): string[] {
  const note = create.object as Json | undefined;
  if (!note || typeof note !== 'object') return ['object is not embedded'];
  const problems: string[] = [];
  if (
    !['Note', 'Question', 'Article', 'Page', 'Image', 'Video', 'Audio', 'Event'].includes(
      String(note.type),
    )
  ) {
    problems.push(`unsupported object type ${note.type}`);
  }
  if (idOf(note.attributedTo) !== idOf(create.actor))
    problems.push('attributedTo is not the actor');
  if (new URL(String(note.id)).host !== new URL(String(idOf(create.actor))).host) {
    problems.push('object id has another host than the actor');
  }
  return problems;
}

/**
 * GoToSocial internal/ap/extract.go: `ExtractPreferredUsername` (non-empty string),
 * `ExtractPublicKey` (a publicKey with id, owner IRI and an RSA PEM), and for statuses
 * `ExtractAttributedToURI` and `ExtractPublished` (required, a date-time).
 */
export function gotosocialActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  if (!str(actor.preferredUsername)) problems.push('preferredUsername nil or not a string');
  const keys = asArray(actor.publicKey).map((key) => key as Json);
  const usable = keys.find(
    (key) =>
      str(key.id) &&
      str(idOf(key.owner)) &&
      str(key.publicKeyPem) &&
      /-----BEGIN (RSA )?PUBLIC KEY-----/.test(key.publicKeyPem as string),
  );
  if (!usable) problems.push("couldn't find public key");
  return problems;
}

export function gotosocialStatusProblems(note: Json): string[] {
  const problems: string[] = [];
  if (!str(idOf(asArray(note.attributedTo)[0]))) problems.push('attributedToProp was nil');
  if (!str(note.published) || Number.isNaN(Date.parse(note.published as string))) {
    problems.push('published prop was nil');
  }
  return problems;
}

/**
 * Accepting a peer's Follow. Mastodon app/lib/activitypub/activity/accept.rb finds the follow
 * request by the object's id (`object_uri`) or, embedded, by its `actor`/`object`; Misskey
 * ApInboxService.accept resolves the object and `acceptFollow` requires a Follow whose `actor`
 * is its own user and whose `object` is the accepting actor.
 */
export function acceptProblems(accept: Json, follow: Json): string[] {
  const problems: string[] = [];
  if (accept.type !== 'Accept') problems.push(`type is ${accept.type}`);
  const object = accept.object as Json | string | undefined;
  if (idOf(object) !== follow.id) problems.push('object is not the Follow (by id)');
  if (idOf(accept.actor) !== idOf(follow.object)) problems.push('actor is not the followed');
  if (typeof object !== 'object') problems.push('Follow not embedded (Misskey would fetch it)');
  else {
    if (object.type !== 'Follow') problems.push('embedded object is not a Follow');
    if (idOf(object.actor) !== idOf(follow.actor)) problems.push('embedded Follow actor differs');
    if (idOf(object.object) !== idOf(accept.actor)) problems.push('embedded Follow object differs');
  }
  return problems;
}

/**
 * Pleroma/Akkoma lib/pleroma/web/activity_pub/activity_pub.ex `object_to_user_data`: the key is
 * read only when `publicKey` is a map with a binary `publicKeyPem` (an array yields no key, and
 * every signature then fails); `preferredUsername` becomes the nickname; `inbox` is required.
 */
export function pleromaActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  const key = actor.publicKey;
  if (!key || typeof key !== 'object' || Array.isArray(key))
    problems.push('publicKey is not a map');
  else if (!str((key as Json).publicKeyPem)) problems.push('publicKey has no publicKeyPem');
  if (!str(actor.preferredUsername)) problems.push('no preferredUsername');
  if (!str(actor.inbox)) problems.push('no inbox');
  return problems;
}

/**
 * PeerTube server/core/helpers/custom-validators/activitypub/actor.ts `isActorObjectValid`:
 * id, type, inbox and url are ActivityPub URLs, preferredUsername matches
 * `^[A-Za-z0-9\-_.:]+$`, `publicKey` is one object with id, owner and a SPKI PEM
 * (`isActorPublicKeyObjectValid`), `endpoints.sharedInbox` (when present) is a URL.
 */
export function peertubeActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  const url = (value: unknown) => str(value) && /^https?:\/\//.test(value);
  if (!url(actor.id)) problems.push('id');
  if (!ACTOR_TYPES.includes(String(actor.type))) problems.push('type');
  if (!url(actor.inbox)) problems.push('inbox');
  if (!url(asArray(actor.url)[0])) problems.push('url');
  if (!(str(actor.preferredUsername) && /^[A-Za-z0-9\-_.:]+$/.test(actor.preferredUsername))) {
    problems.push('preferredUsername');
  }
  const key = actor.publicKey as Json | undefined;
  if (
    !key ||
    Array.isArray(key) ||
    !url(key.id) ||
    !url(idOf(key.owner)) ||
    !str(key.publicKeyPem) ||
    !key.publicKeyPem.startsWith('-----BEGIN PUBLIC KEY-----')
  ) {
    problems.push('publicKey');
  }
  const endpoints = actor.endpoints as Json | undefined;
  if (endpoints && endpoints.sharedInbox !== undefined && !url(endpoints.sharedInbox)) {
    problems.push('endpoints.sharedInbox');
  }
  return problems;
}

/**
 * Lemmy crates/apub/src/protocol/objects/person.rs (serde): `type` Person or Service, `id`,
 * `preferredUsername`, `inbox` and `publicKey` — one object with `id`, `owner`, `publicKeyPem` —
 * are required; serde refuses an array where one PublicKey is declared.
 */
export function lemmyActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  if (actor.type !== 'Person' && actor.type !== 'Service') problems.push(`type ${actor.type}`);
  for (const field of ['id', 'preferredUsername', 'inbox']) {
    if (!str(actor[field])) problems.push(`missing field ${field}`);
  }
  const key = actor.publicKey as Json | undefined;
  if (!key || Array.isArray(key)) problems.push('publicKey is not one object');
  else if (!str(key.id) || !str(idOf(key.owner)) || !str(key.publicKeyPem)) {
    problems.push('publicKey lacks id, owner or publicKeyPem');
  }
  return problems;
}

/**
 * Pixelfed app/Util/ActivityPub/Helpers.php `profileUpdateOrCreate`: needs `id`,
 * `preferredUsername` (or `nickname`), `inbox`, and reads `$res['publicKey']['publicKeyPem']`
 * and `['id']` — one object, not a list.
 */
export function pixelfedActorProblems(actor: Json): string[] {
  const problems: string[] = [];
  if (!str(actor.id)) problems.push('no id');
  if (!str(actor.preferredUsername) && !str(actor.nickname)) problems.push('no preferredUsername');
  if (!str(actor.inbox)) problems.push('no inbox');
  const key = actor.publicKey as Json | undefined;
  if (!key || Array.isArray(key) || !str(key.publicKeyPem) || !str(key.id)) {
    problems.push("publicKey['publicKeyPem'] / ['id'] missing");
  }
  return problems;
}
