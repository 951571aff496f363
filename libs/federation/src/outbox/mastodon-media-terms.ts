import type { DocumentLoader } from '@fedify/fedify';
import { Create, Document, Note, Update, type Activity } from '@fedify/fedify/vocab';

/**
 * Mastodon's `blurhash` and `focalPoint` on media (`toot:` namespace), which Fedify's vocabulary
 * does not have. They are added where Fedify serialises: `MediaDocument` puts them into its
 * JSON-LD (expanded, as Fedify compacts whole activities from the expanded form), and the Note,
 * Create and Update around it define the two terms in their `@context` so the compacted keys are
 * `blurhash` and `focalPoint`, the names Mastodon's MediaAttachmentParser reads (it does not
 * expand JSON-LD). Being part of the JSON-LD itself, they are covered by the signatures.
 */
const TOOT = 'http://joinmastodon.org/ns#';
const BLURHASH = `${TOOT}blurhash`;
const FOCAL_POINT = `${TOOT}focalPoint`;

/** The term definitions Mastodon's own context has for them (full IRIs: no prefix needed). */
export const MEDIA_TERMS = {
  blurhash: BLURHASH,
  focalPoint: { '@container': '@list', '@id': FOCAL_POINT },
} as const;

type Json = Record<string, unknown>;
type NoteAttachment = Note['getAttachments'] extends (...args: never[]) => AsyncIterable<infer T>
  ? T
  : never;
type DocumentValues = ConstructorParameters<typeof Document>[0];
type DocumentOptions = ConstructorParameters<typeof Document>[1];
type ToJsonLdOptions = Parameters<Document['toJsonLd']>[0];

export interface MediaExtras {
  blurhash: string | null;
  /** Mastodon's focus: x and y from -1 to 1, (0, 0) the centre. */
  focalPoint: readonly [number, number];
}

/** A `Document` attachment with Mastodon's `blurhash` and `focalPoint`. */
export class MediaDocument extends Document {
  readonly extras: MediaExtras;

  constructor(values: DocumentValues & Partial<MediaExtras>, options?: DocumentOptions) {
    const { blurhash, focalPoint, ...rest } = values;
    super(rest, options);
    this.extras = { blurhash: blurhash ?? null, focalPoint: focalPoint ?? [0, 0] };
  }

  override async toJsonLd(options?: ToJsonLdOptions): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const { blurhash, focalPoint } = this.extras;
    if (options?.format === 'expand') {
      const node = (json as Json[])[0]!;
      if (blurhash) node[BLURHASH] = [{ '@value': blurhash }];
      node[FOCAL_POINT] = [{ '@list': focalPoint.map((value) => ({ '@value': value })) }];
      return json;
    }
    const compact = json as Json;
    if (blurhash) compact.blurhash = blurhash;
    compact.focalPoint = [...focalPoint];
    return withMediaTerms(compact);
  }
}

/** `toot:blurhash` / `toot:focalPoint` (what compaction without the terms gives) → the terms. */
function useTerms(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.map(useTerms).some(Boolean);
  const json = node as Json;
  let found = 'blurhash' in json || 'focalPoint' in json;
  for (const [prefixed, term] of [
    ['toot:blurhash', 'blurhash'],
    ['toot:focalPoint', 'focalPoint'],
  ] as const) {
    if (!(prefixed in json)) continue;
    const value = json[prefixed];
    json[term] = (value as { '@list'?: unknown })?.['@list'] ?? value;
    delete json[prefixed];
    found = true;
  }
  for (const key of ['attachment', 'object']) {
    if (useTerms(json[key])) found = true;
  }
  return found;
}

/** Defines the terms in a compacted document's `@context` when it (or its object) uses them. */
function withMediaTerms(json: Json): Json {
  if (!useTerms(json)) return json;
  const context = json['@context'];
  const contexts = context === undefined ? [] : Array.isArray(context) ? context : [context];
  if (!contexts.includes(MEDIA_TERMS)) json['@context'] = [...contexts, MEDIA_TERMS];
  return json;
}

/** Compacted documents of these classes carry the media terms (none added to expanded ones). */
async function compactedWithTerms(json: unknown, options?: ToJsonLdOptions): Promise<unknown> {
  return options?.format === 'expand' ? json : withMediaTerms(json as Json);
}

export class MediaNote extends Note {
  override async toJsonLd(options?: ToJsonLdOptions): Promise<unknown> {
    return compactedWithTerms(await super.toJsonLd(options), options);
  }
}

export class MediaCreate extends Create {
  override async toJsonLd(options?: ToJsonLdOptions): Promise<unknown> {
    return compactedWithTerms(await super.toJsonLd(options), options);
  }
}

export class MediaUpdate extends Update {
  override async toJsonLd(options?: ToJsonLdOptions): Promise<unknown> {
    return compactedWithTerms(await super.toJsonLd(options), options);
  }
}

const AS = 'https://www.w3.org/ns/activitystreams#';
type Expanded = Record<string, { '@id'?: string; '@value'?: unknown; '@list'?: Expanded[] }[]>;
const first = (node: Expanded | undefined, key: string) => node?.[key]?.[0];

/** The `blurhash`/`focalPoint` of a recorded (expanded) activity's attachments, by their url. */
function extrasByUrl(json: unknown): Map<string, MediaExtras> {
  const found = new Map<string, MediaExtras>();
  const activity = (Array.isArray(json) ? json[0] : json) as Expanded | undefined;
  const object = first(activity, `${AS}object`) as Expanded | undefined;
  for (const item of (object?.[`${AS}attachment`] ?? []) as Expanded[]) {
    const url = first(item, `${AS}url`)?.['@id'];
    const blurhash = first(item, BLURHASH)?.['@value'];
    const [x, y, ...rest] = (first(item, FOCAL_POINT)?.['@list'] ?? []).map(
      (value) => (value as { '@value'?: unknown })['@value'],
    );
    const focalPoint =
      typeof x === 'number' && typeof y === 'number' && rest.length === 0
        ? ([x, y] as const)
        : undefined;
    if (typeof url === 'string' && (typeof blurhash === 'string' || focalPoint)) {
      found.set(url, {
        blurhash: typeof blurhash === 'string' ? blurhash : null,
        focalPoint: focalPoint ?? [0, 0],
      });
    }
  }
  return found;
}

/**
 * An activity the outbox recorded (expanded JSON-LD, MediaDocument's terms in it), parsed back with its media terms: Fedify's parser
 * drops properties its vocabulary lacks, so a Create/Update of a Note with media is rebuilt from
 * the Media classes. Such an activity must be delivered without Fedify's fan-out queue
 * (`fanout: 'skip'`), which would parse it again with the plain classes.
 */
export async function withRecordedMediaTerms(
  activity: Activity,
  json: unknown,
  options: { contextLoader?: DocumentLoader; documentLoader?: DocumentLoader },
): Promise<Activity> {
  const extras = extrasByUrl(json);
  if (extras.size === 0 || !(activity instanceof Create || activity instanceof Update)) {
    return activity;
  }
  const note = await activity.getObject(options);
  if (!(note instanceof Note)) return activity;
  const attachments: NoteAttachment[] = [];
  for await (const item of note.getAttachments(options)) {
    const href = item instanceof Document && item.url instanceof URL ? item.url.href : undefined;
    const extra = href ? extras.get(href) : undefined;
    attachments.push(
      item instanceof Document && extra
        ? new MediaDocument({
            mediaType: item.mediaType,
            url: item.url,
            name: item.name,
            width: item.width,
            height: item.height,
            ...extra,
          })
        : item,
    );
  }
  const Media = activity instanceof Create ? MediaCreate : MediaUpdate;
  const rebuilt = await Media.fromJsonLd(json, options);
  return rebuilt.clone({ object: note.clone({ attachments }) });
}

/** Whether an activity carries media terms Fedify's fan-out would lose. */
export function hasMediaTerms(activity: Activity): boolean {
  return activity instanceof MediaCreate || activity instanceof MediaUpdate;
}
