/**
 * Remote post HTML reduced to what clients may render: `p`, `br`, `a` and `span` only, with
 * `href` (http/https only) on links and a few Mastodon microformat classes; everything else is
 * dropped (`script`/`style`/`template` with their content, other tags keeping their text). The
 * output is rebuilt from tokens — text re-escaped, attributes re-quoted, tags balanced — so no
 * input markup reaches a client as is.
 */

const ALLOWED = new Set(['p', 'br', 'a', 'span']);
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'template',
  'iframe',
  'object',
  'svg',
  'math',
  'textarea',
  'title',
  'noscript',
]);
/** Tags that separate paragraphs: their text is kept, in a paragraph of its own. */
const BLOCKS = new Set([
  'div',
  'blockquote',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'table',
  'tr',
]);
const CLASSES = new Set(['mention', 'hashtag', 'u-url', 'h-card', 'invisible', 'ellipsis']);

const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? parseInt(entity.slice(2), 16)
          : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) &&
        code > 0 &&
        code <= 0x10ffff &&
        !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd';
    }
    return NAMED[entity.toLowerCase()] ?? match;
  });
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function safeHref(value: string): string | null {
  const trimmed = value.replace(/[\p{Cc}\s]/gu, '');
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function attributes(tag: string, raw: string): string {
  if (tag !== 'a' && tag !== 'span') return '';
  let href: string | null = null;
  let classes: string[] = [];
  for (const match of raw.matchAll(ATTRIBUTE)) {
    const name = match[1]!.toLowerCase();
    const value = decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? '');
    if (name === 'href' && tag === 'a') href = safeHref(value);
    if (name === 'class') classes = value.split(/\s+/).filter((c) => CLASSES.has(c));
  }
  let out = '';
  if (tag === 'a') {
    if (href) out += ` href="${escapeHtml(href)}"`;
    out += ' rel="nofollow noopener noreferrer" target="_blank"';
  }
  if (classes.length > 0) out += ` class="${escapeHtml(classes.join(' '))}"`;
  return out;
}

export function sanitizeRemoteHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  let dropping: string | null = null;
  let last = 0;
  const text = (chunk: string) => {
    if (dropping || chunk === '') return;
    out += escapeHtml(
      decodeHtmlEntities(chunk).replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : '')),
    );
  };
  const close = (tag: string) => {
    const at = open.lastIndexOf(tag);
    if (at < 0) return;
    while (open.length > at) out += `</${open.pop()!}>`;
  };
  for (const match of html.matchAll(TOKEN)) {
    text(html.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, processing instruction
    const closing = match[1] === '/';
    if (dropping) {
      if (closing && name === dropping) dropping = null;
      continue;
    }
    if (DROPPED_WITH_CONTENT.has(name)) {
      if (!closing && !/\/\s*$/.test(match[3] ?? '')) dropping = name;
      continue;
    }
    if (BLOCKS.has(name)) {
      // A paragraph boundary: close an open paragraph (and what is inside it).
      close('p');
      continue;
    }
    if (!ALLOWED.has(name)) continue;
    if (name === 'br') {
      if (!closing) out += '<br>';
      continue;
    }
    if (closing) {
      close(name);
      continue;
    }
    if (name === 'p') close('p'); // paragraphs do not nest
    if (name === 'a' && open.includes('a')) close('a'); // nor do links
    out += `<${name}${attributes(name, match[3] ?? '')}>`;
    open.push(name);
  }
  text(html.slice(last));
  while (open.length > 0) out += `</${open.pop()!}>`;
  return out.replace(/<p><\/p>/g, '').trim();
}
