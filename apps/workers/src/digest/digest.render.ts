import type { NotificationType } from '@fediflow/social';

/** One notification as the digest shows it. Every string comes from other users: untrusted. */
export interface DigestItem {
  type: NotificationType;
  from: { username: string; domain: string | null; displayName: string };
  status?: { text: string; html: string; spoilerText: string };
}

export interface DigestContent {
  /** Shown newest first; may be fewer than `total` (the rest is summarised as "and N more"). */
  items: readonly DigestItem[];
  total: number;
  /** The instance's public origin, e.g. `https://social.example`. */
  origin: string;
  unsubscribeUrl: string;
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const EXCERPT_LENGTH = 160;

const ACTIONS: Record<NotificationType, string> = {
  follow: 'followed you',
  follow_request: 'requested to follow you',
  mention: 'mentioned you',
  favourite: 'favourited your post',
  reblog: 'boosted your post',
};

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The digest email of `content`: a plain-text part and an HTML part with everything escaped. */
export function renderDigest(content: DigestContent): RenderedDigest {
  const host = new URL(content.origin).host;
  const more = content.total - content.items.length;
  const subject = `${plural(content.total, 'new notification', 'new notifications')} on ${host}`;
  const lines = content.items.map((item) => {
    const excerpt = excerptOf(item);
    return `- ${senderOf(item)} ${ACTIONS[item.type]}${excerpt ? `: "${excerpt}"` : ''}`;
  });
  const text = [
    `You have ${subject}:`,
    '',
    ...lines,
    ...(more > 0 ? [`- and ${more} more`] : []),
    '',
    `Open ${content.origin} to see them all.`,
    '',
    '--',
    'You receive this email because you turned on email digests.',
    `Unsubscribe: ${content.unsubscribeUrl}`,
    '',
  ].join('\n');

  const listItems = content.items.map((item) => {
    const excerpt = excerptOf(item);
    const name = escapeHtml(displayNameOf(item));
    const acct = escapeHtml(acctOf(item));
    const quote = excerpt
      ? `<br><span style="color:#555">&ldquo;${escapeHtml(excerpt)}&rdquo;</span>`
      : '';
    return `<li style="margin:0 0 12px"><strong>${name}</strong> <span style="color:#777">${acct}</span> ${ACTIONS[item.type]}${quote}</li>`;
  });
  if (more > 0) listItems.push(`<li style="margin:0 0 12px">and ${more} more</li>`);
  const origin = escapeHtml(content.origin);
  const unsubscribe = escapeHtml(content.unsubscribeUrl);
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:sans-serif;line-height:1.4">
<p>You have ${escapeHtml(subject)}:</p>
<ul style="padding-left:20px">
${listItems.join('\n')}
</ul>
<p><a href="${origin}">Open ${escapeHtml(host)}</a> to see them all.</p>
<hr>
<p style="color:#777;font-size:12px">You receive this email because you turned on email digests.
<a href="${unsubscribe}">Unsubscribe</a></p>
</body></html>
`;
  return { subject, text, html };
}

function acctOf(item: DigestItem): string {
  return item.from.domain ? `@${item.from.username}@${item.from.domain}` : `@${item.from.username}`;
}

function displayNameOf(item: DigestItem): string {
  return oneLine(item.from.displayName) || item.from.username;
}

function senderOf(item: DigestItem): string {
  const name = oneLine(item.from.displayName);
  return name ? `${name} (${acctOf(item)})` : acctOf(item);
}

/** A short plain-text excerpt of the status; a content warning stands in for hidden text. */
function excerptOf(item: DigestItem): string {
  if (!item.status) return '';
  const spoiler = oneLine(item.status.spoilerText);
  if (spoiler) return truncate(`Content warning: ${spoiler}`);
  return truncate(oneLine(item.status.text) || oneLine(textOfHtml(item.status.html)));
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function truncate(value: string): string {
  const chars = [...value];
  return chars.length <= EXCERPT_LENGTH ? value : `${chars.slice(0, EXCERPT_LENGTH - 1).join('')}…`;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
};

/**
 * Plain text of (already sanitised) status HTML, for statuses without a `text` (e.g. remote
 * ones). Only used as text: the HTML part escapes it again.
 */
function textOfHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_match, name: string) => ENTITIES[name]!);
}
