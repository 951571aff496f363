/**
 * Plain text in, safe HTML out. Every character a member wrote is escaped; the only markup in the
 * result is what this module emits (paragraphs, line breaks, links, mentions, hashtags), with
 * attribute values escaped as well — so nothing a user writes can inject markup.
 */
import { HASHTAG_NAME_SOURCE } from '@fediflow/federation';

export interface MentionRef {
  username: string;
  /** Lower-case domain, or undefined for `@user` (a member of this instance). */
  domain?: string;
}

export interface ResolvedMention {
  url: string;
}

export interface RenderOptions {
  /** Returns the profile URL of a mentioned account, or undefined to leave the text as written. */
  mention(ref: MentionRef): ResolvedMention | undefined;
  tagUrl(name: string): string;
}

const TOKEN = new RegExp(
  [
    String.raw`(?<url>https?:\/\/[^\s<>"']+)`,
    String.raw`(?<=^|[^\p{L}\p{N}_/@])@(?<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@(?<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5}(?!\d))?))?`,
    String.raw`(?<=^|[^\p{L}\p{N}_/&#])#(?<tag>${HASHTAG_NAME_SOURCE})`,
  ].join('|'),
  'gu',
);

/** Punctuation that ends a sentence is not part of the URL it follows. */
const TRAILING = /[.,;:!?)\]'"]+$/;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Mentions and hashtags as written, de-duplicated (tags lower-cased), for resolving and storing. */
export function scanStatusText(text: string): { mentions: MentionRef[]; tags: string[] } {
  const mentions = new Map<string, MentionRef>();
  const tags = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const { user, domain, tag } = match.groups ?? {};
    if (user) {
      const ref: MentionRef = { username: user, domain: domain?.toLowerCase() };
      const key = `${user.toLowerCase()}@${ref.domain ?? ''}`;
      if (!mentions.has(key)) mentions.set(key, ref);
    } else if (tag) {
      tags.add(tag.toLowerCase());
    }
  }
  return { mentions: [...mentions.values()], tags: [...tags] };
}

function renderLine(line: string, options: RenderOptions): string {
  let html = '';
  let last = 0;
  for (const match of line.matchAll(TOKEN)) {
    const { url, user, domain, tag } = match.groups ?? {};
    let token = match[0];
    let rendered: string | undefined;
    if (url) {
      token = url.replace(TRAILING, '');
      rendered = `<a href="${escapeHtml(token)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(token)}</a>`;
    } else if (user) {
      const resolved = options.mention({ username: user, domain: domain?.toLowerCase() });
      if (resolved) {
        rendered = `<span class="h-card" translate="no"><a href="${escapeHtml(resolved.url)}" class="u-url mention">@<span>${escapeHtml(user)}</span></a></span>`;
      }
    } else if (tag) {
      rendered = `<a href="${escapeHtml(options.tagUrl(tag.toLowerCase()))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
    }
    const index = match.index ?? 0;
    html += escapeHtml(line.slice(last, index)) + (rendered ?? escapeHtml(token));
    last = index + token.length;
  }
  return html + escapeHtml(line.slice(last));
}

/** A profile field's value: one line, links made clickable, as Mastodon renders it (no `<p>`). */
export function renderFieldValue(text: string, options: RenderOptions): string {
  return renderLine(text.replace(/\s+/g, ' ').trim(), options);
}

/** Paragraphs on blank lines, `<br>` on single line breaks, as Mastodon renders local posts. */
export function renderStatusText(text: string, options: RenderOptions): string {
  const paragraphs = text
    .replaceAll('\r\n', '\n')
    .trim()
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '');
  return paragraphs
    .map(
      (paragraph) =>
        `<p>${paragraph
          .split('\n')
          .map((line) => renderLine(line, options))
          .join('<br>')}</p>`,
    )
    .join('');
}
