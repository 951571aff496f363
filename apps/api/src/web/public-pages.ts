import type { AccountJson } from '../accounts/account.view';
import { escapeHtml } from '../common/content/status-text';
import { PAGE_STYLE } from '../oauth/authorize-page';
import type { StatusJson } from '../statuses/status.view';

/** Shared by every public page: the instance and where its pages live. */
export interface SiteContext {
  instanceName: string;
  host: string;
  origin: string;
  description: string;
  registrationsOpen: boolean;
}

/** What a link preview (OpenGraph, Twitter cards) shows of a page. */
interface Preview {
  type: 'website' | 'profile' | 'article';
  title: string;
  description: string;
  url: string;
  image?: string;
}

const PUBLIC_STYLE = `
  main { max-width: 40rem; }
  .profile { display: flex; gap: 1rem; align-items: center; }
  .profile img { width: 96px; height: 96px; border-radius: 12px; border: 1px solid var(--line); }
  .stats { display: flex; gap: 1.25rem; color: var(--muted); margin: .75rem 0; }
  .stats strong { color: var(--fg); }
  dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dl.fields dt { font-weight: 600; }
  dl.fields dd { margin: 0; overflow-wrap: anywhere; }
  article.status { border-top: 1px solid var(--line); padding: 1rem 0; }
  article.status header { padding: 0; text-align: left; display: flex; gap: .5rem; flex-wrap: wrap; }
  article.status .content { overflow-wrap: anywhere; }
  a { color: var(--accent); }
  time { color: var(--muted); font-size: .9rem; }
`;

/** Text for a preview: HTML without its tags, whitespace collapsed, cut at `max` characters. */
export function plainText(html: string, max = 200): string {
  const text = html
    .replace(/<br\s*\/?>|<\/p>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function layout(site: SiteContext, preview: Preview, body: string, head = ''): string {
  const meta = (property: string, content: string) =>
    `<meta property="${property}" content="${escapeHtml(content)}">`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(preview.title)}</title>
  <meta name="description" content="${escapeHtml(preview.description)}">
  <link rel="canonical" href="${escapeHtml(preview.url)}">
  ${meta('og:site_name', site.instanceName)}
  ${meta('og:type', preview.type)}
  ${meta('og:title', preview.title)}
  ${meta('og:description', preview.description)}
  ${meta('og:url', preview.url)}
  ${preview.image ? meta('og:image', preview.image) : ''}
  <meta name="twitter:card" content="summary">
  ${head}
  <style>${PAGE_STYLE}${PUBLIC_STYLE}</style>
</head>
<body>
  <header>
    <div class="instance"><a href="${escapeHtml(site.origin)}/">${escapeHtml(site.instanceName)}</a></div>
    <div class="host">${escapeHtml(site.host)}</div>
  </header>
  <main>
${body}
  </main>
</body>
</html>`;
}

function statusArticle(status: StatusJson): string {
  const created = new Date(status.created_at);
  const warning = status.spoiler_text
    ? `<p><strong>Content warning:</strong> ${escapeHtml(status.spoiler_text)}</p>`
    : '';
  return `<article class="status">
  <header>
    <a href="${escapeHtml(status.account.url)}"><strong>${escapeHtml(
      status.account.display_name || status.account.username,
    )}</strong></a>
    <span class="muted">@${escapeHtml(status.account.acct)}</span>
    <a href="${escapeHtml(status.url)}"><time datetime="${created.toISOString()}">${created
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ')} UTC</time></a>
  </header>
  ${warning}<div class="content">${status.content}</div>
</article>`;
}

export function frontPage(site: SiteContext, recent: StatusJson[]): string {
  const signUp = site.registrationsOpen
    ? `<p>Registrations are open: <a href="https://joinmastodon.org/apps">pick a Mastodon app</a>, enter <strong>${escapeHtml(site.host)}</strong> and sign up.</p>`
    : '<p>Registrations are closed on this server.</p>';
  const posts = recent.length
    ? recent.map(statusArticle).join('\n')
    : '<p class="muted">No public posts yet.</p>';
  return layout(
    site,
    {
      type: 'website',
      title: site.instanceName,
      description: site.description,
      url: `${site.origin}/`,
    },
    `<h1>${escapeHtml(site.instanceName)}</h1>
<p>${escapeHtml(site.description)}</p>
${signUp}
<h2>Recent posts</h2>
${posts}`,
  );
}

export function profilePage(site: SiteContext, account: AccountJson, posts: StatusJson[]): string {
  const name = account.display_name || account.username;
  const handle = `@${account.username}@${site.host}`;
  const fields = account.fields.length
    ? `<dl class="fields">${account.fields
        // Field values are rendered HTML; links in them are the member's own (rel="me").
        .map(
          (field) =>
            `<dt>${escapeHtml(field.name)}</dt><dd>${field.value.replace(/<a /g, '<a rel="me" ')}</dd>`,
        )
        .join('')}</dl>`
    : '';
  return layout(
    site,
    {
      type: 'profile',
      title: `${name} (${handle})`,
      description: plainText(account.note) || `${name} on ${site.instanceName}`,
      url: account.url,
      image: account.avatar,
    },
    `<div class="profile">
  <img src="${escapeHtml(account.avatar)}" alt="Avatar of ${escapeHtml(name)}">
  <div><h1>${escapeHtml(name)}</h1><p class="muted">${escapeHtml(handle)}</p></div>
</div>
<div class="note">${account.note}</div>
${fields}
<p class="stats"><span><strong>${account.statuses_count}</strong> posts</span><span><strong>${account.following_count}</strong> following</span><span><strong>${account.followers_count}</strong> followers</span></p>
<h2>Posts</h2>
${posts.length ? posts.map(statusArticle).join('\n') : '<p class="muted">No public posts yet.</p>'}`,
    `<link rel="alternate" type="application/activity+json" href="${escapeHtml(account.uri)}">`,
  );
}

export function statusPage(site: SiteContext, status: StatusJson): string {
  const name = status.account.display_name || status.account.username;
  return layout(
    site,
    {
      type: 'article',
      title: `${name} on ${site.instanceName}`,
      description: status.spoiler_text
        ? `Content warning: ${status.spoiler_text}`
        : plainText(status.content),
      url: status.url,
      image: status.account.avatar,
    },
    `<h1 class="muted">A post by ${escapeHtml(name)}</h1>\n${statusArticle(status)}`,
    `<link rel="alternate" type="application/activity+json" href="${escapeHtml(status.uri)}">`,
  );
}

export function notFoundPage(site: SiteContext): string {
  return layout(
    site,
    {
      type: 'website',
      title: `Not found – ${site.instanceName}`,
      description: '',
      url: site.origin,
    },
    `<h1>This page does not exist</h1><p><a href="${escapeHtml(site.origin)}/">Go to the front page</a></p>`,
  );
}
