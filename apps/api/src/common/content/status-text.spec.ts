import { describe, expect, it } from 'vitest';
import { escapeHtml, renderStatusText, scanStatusText, type RenderOptions } from './status-text';

const options: RenderOptions = {
  mention: ({ username, domain }) =>
    username.toLowerCase() === 'nobody'
      ? undefined
      : { url: `https://${domain ?? 'local.test'}/@${username}` },
  tagUrl: (name) => `https://local.test/tags/${name}`,
};

describe('renderStatusText', () => {
  it('escapes everything a member writes', () => {
    const html = renderStatusText(`<script>alert("x")</script> & 'quotes'`, options);
    expect(html).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    );
  });

  it('cannot be made to emit an attribute through a crafted URL', () => {
    const html = renderStatusText('see https://evil.test/"onmouseover="alert(1) now', options);
    expect(html).not.toContain('" onmouseover');
    expect(html).not.toMatch(/<a [^>]*onmouseover/);
    expect(html).toContain('<a href="https://evil.test/"');
  });

  it('links URLs without the sentence punctuation after them', () => {
    expect(renderStatusText('Read https://example.org/a?b=1.', options)).toBe(
      '<p>Read <a href="https://example.org/a?b=1" rel="nofollow noopener noreferrer" target="_blank">https://example.org/a?b=1</a>.</p>',
    );
  });

  it('links resolved mentions and hashtags, leaves unknown mentions as text', () => {
    const html = renderStatusText(
      'Hi @alice and @bob@remote.example, not @nobody #FediFlow',
      options,
    );
    expect(html).toContain(
      '<a href="https://local.test/@alice" class="u-url mention">@<span>alice</span></a>',
    );
    expect(html).toContain('href="https://remote.example/@bob"');
    expect(html).toContain('not @nobody ');
    expect(html).toContain(
      '<a href="https://local.test/tags/fediflow" class="mention hashtag" rel="tag">#<span>FediFlow</span></a>',
    );
  });

  it('does not treat e-mail addresses or URL fragments as mentions and tags', () => {
    const html = renderStatusText('mail me@example.org, see https://x.test/#top', options);
    expect(html).not.toContain('mention');
    expect(html).not.toContain('hashtag');
  });

  it('keeps paragraphs and line breaks', () => {
    expect(renderStatusText('one\ntwo\n\n\nthree', options)).toBe('<p>one<br>two</p><p>three</p>');
  });
});

describe('scanStatusText', () => {
  it('finds each mention and tag once', () => {
    expect(scanStatusText('@Alice @alice @bob@Remote.Example #Tag #tag #2026 #x2026')).toEqual({
      mentions: [
        { username: 'Alice', domain: undefined },
        { username: 'bob', domain: 'remote.example' },
      ],
      tags: ['tag', 'x2026'],
    });
  });

  it('keeps a port in a mention’s domain (servers on development hosts)', () => {
    expect(scanStatusText('@bob@127.0.0.1:41234: hi @carol@b.example:123456').mentions).toEqual([
      { username: 'bob', domain: '127.0.0.1:41234' },
      { username: 'carol', domain: 'b.example' },
    ]);
  });
});

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
