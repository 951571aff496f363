import { Article, Note, Page, Video } from '@fedify/fedify/vocab';
import { escapeHtml, sanitizeRemoteHtml } from '../remote-html';
import { sanitizeRemoteText } from '../remote-text';

/** What is stored as a status: microblog posts, PeerTube videos and Lemmy posts (link threads). */
export type RemotePost = Note | Article | Video | Page;

export function isRemotePost(value: unknown): value is RemotePost {
  return (
    value instanceof Note ||
    value instanceof Article ||
    value instanceof Video ||
    value instanceof Page
  );
}

/** The status text of a post: its content; a Video or Page has a title, not a content warning. */
export interface PostText {
  content: string;
  spoiler: string;
}

/**
 * A Note or Article is its sanitised content with its summary as content warning. A Video or
 * Page is shown as Mastodon shows such objects: its name as a title linking to the original
 * (`url`), then its summary and content (PeerTube's description is Markdown: shown as text).
 */
export function postText(post: RemotePost, url: string): PostText {
  const content = post.content?.toString() ?? '';
  const summary = post.summary?.toString() ?? '';
  if (post instanceof Note || post instanceof Article) {
    return { content: sanitizeRemoteHtml(content), spoiler: sanitizeRemoteText(summary) };
  }
  const title = sanitizeRemoteText(post.name?.toString() ?? '') || url;
  const parts = [`<p><a href="${escapeHtml(url)}">${escapeHtml(title)}</a></p>`];
  for (const text of [summary, content]) {
    if (text.trim() === '') continue;
    parts.push(post.mediaType === 'text/markdown' ? textAsHtml(text) : text);
  }
  return { content: sanitizeRemoteHtml(parts.join('')), spoiler: '' };
}

/** Plain text (or Markdown) as paragraphs and line breaks, escaped. */
function textAsHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
