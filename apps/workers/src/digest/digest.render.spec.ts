import { describe, expect, it } from 'vitest';
import { escapeHtml, plural, renderDigest, type DigestItem } from './digest.render';

const origin = 'https://social.example';
const unsubscribeUrl = 'https://social.example/email/unsubscribe?token=a&b';

function item(overrides: Partial<DigestItem> = {}): DigestItem {
  return {
    type: 'favourite',
    from: { username: 'alice', domain: null, displayName: 'Alice' },
    status: { text: 'hello world', html: '<p>hello world</p>', spoilerText: '' },
    ...overrides,
  };
}

describe('renderDigest', () => {
  it('escapes what other users wrote in the HTML part and keeps it readable in the text part', () => {
    const hostile = item({
      type: 'mention',
      from: {
        username: 'mallory',
        domain: 'evil.example',
        displayName: '<img src=x onerror=alert(1)>',
      },
      status: { text: 'look "here" & <script>x()</script>', html: '', spoilerText: '' },
    });
    const { html, text } = renderDigest({ items: [hostile], total: 1, origin, unsubscribeUrl });

    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('look &quot;here&quot; &amp; &lt;script&gt;x()&lt;/script&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('@mallory@evil.example');
    expect(html).toContain('href="https://social.example/email/unsubscribe?token=a&amp;b"');
    expect(text).toContain('<img src=x onerror=alert(1)> (@mallory@evil.example) mentioned you');
    expect(text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
  });

  it('counts in the subject, lists what it shows and summarises the rest', () => {
    const items = [item(), item({ type: 'follow', status: undefined })];
    const { subject, text, html } = renderDigest({ items, total: 7, origin, unsubscribeUrl });

    expect(subject).toBe('7 new notifications on social.example');
    expect(text).toContain('- Alice (@alice) favourited your post: "hello world"');
    expect(text).toContain('- Alice (@alice) followed you\n');
    expect(text).toContain('- and 5 more');
    expect(html).toContain('and 5 more');
  });

  it('uses the singular for one notification and says no "more" when all are shown', () => {
    const { subject, text, html } = renderDigest({
      items: [item()],
      total: 1,
      origin,
      unsubscribeUrl,
    });
    expect(subject).toBe('1 new notification on social.example');
    expect(text).not.toContain('more');
    expect(html).not.toContain('more');
  });

  it('shows a content warning instead of hidden text, and plain text of HTML-only statuses', () => {
    const warned = item({ status: { text: 'secret', html: '', spoilerText: 'spoilers' } });
    const remote = item({
      type: 'reblog',
      status: {
        text: '',
        html: '<p>Tom &amp; Jerry<br>are <a href="x">here</a></p>',
        spoilerText: '',
      },
    });
    const { text, html } = renderDigest({
      items: [warned, remote],
      total: 2,
      origin,
      unsubscribeUrl,
    });
    expect(text).toContain('"Content warning: spoilers"');
    expect(text).not.toContain('secret');
    expect(text).toContain('boosted your post: "Tom & Jerry are here"');
    expect(html).toContain('Tom &amp; Jerry are here');
  });

  it('falls back to the username, flattens whitespace and shortens long posts', () => {
    const long = item({
      from: { username: 'bob', domain: null, displayName: ' \n ' },
      status: { text: `line\n\n${'x'.repeat(300)}`, html: '', spoilerText: '' },
    });
    const { text } = renderDigest({ items: [long], total: 1, origin, unsubscribeUrl });
    const line = text.split('\n').find((entry) => entry.startsWith('- '))!;
    expect(line.startsWith('- @bob favourited your post: "line xxx')).toBe(true);
    expect(line.endsWith('…"')).toBe(true);
    expect(line.length).toBeLessThan(220);
  });
});

describe('helpers', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('pluralises', () => {
    expect(plural(0, 'email', 'emails')).toBe('0 emails');
    expect(plural(1, 'email', 'emails')).toBe('1 email');
    expect(plural(2, 'email', 'emails')).toBe('2 emails');
  });
});
