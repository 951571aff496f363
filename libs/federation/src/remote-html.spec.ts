import { describe, expect, it } from 'vitest';
import { sanitizeRemoteHtml } from './remote-html';

describe('sanitizeRemoteHtml', () => {
  it('keeps Mastodon post markup: paragraphs, breaks, mention and hashtag links', () => {
    const html =
      '<p>Hi <span class="h-card"><a href="https://a.example/@alice" class="u-url mention">@<span>alice</span></a></span><br />see <a href="https://b.example/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a></p><p>two</p>';
    expect(sanitizeRemoteHtml(html)).toBe(
      '<p>Hi <span class="h-card"><a href="https://a.example/@alice" rel="nofollow noopener noreferrer" target="_blank" class="u-url mention">@<span>alice</span></a></span><br>see <a href="https://b.example/tags/x" rel="nofollow noopener noreferrer" target="_blank" class="mention hashtag">#<span>x</span></a></p><p>two</p>',
    );
  });

  it('drops scripts, styles, event handlers, styles and unsafe URLs', () => {
    expect(
      sanitizeRemoteHtml(
        '<p onclick="x()" style="color:red">a<script>alert(1)</script><style>p{}</style><img src=x onerror=alert(1)>b</p>',
      ),
    ).toBe('<p>ab</p>');
    expect(sanitizeRemoteHtml('<a href="javascript:alert(1)">x</a>')).toBe(
      '<a rel="nofollow noopener noreferrer" target="_blank">x</a>',
    );
    expect(sanitizeRemoteHtml('<a href=" jav&#x09;ascript:alert(1)">x</a>')).not.toContain(
      'javascript',
    );
    expect(sanitizeRemoteHtml('<a href="data:text/html,<script>">x</a>')).not.toContain('data:');
    expect(sanitizeRemoteHtml('<span class="evil invisible" id="x">t</span>')).toBe(
      '<span class="invisible">t</span>',
    );
    expect(sanitizeRemoteHtml('<iframe src="x"><p>in</p></iframe>ok')).toBe('ok');
  });

  it('escapes text, quotes attributes and balances tags', () => {
    expect(sanitizeRemoteHtml('a < b & c > d "q"')).toBe('a &lt; b &amp; c &gt; d &quot;q&quot;');
    expect(sanitizeRemoteHtml('<p>&lt;script&gt;</p>')).toBe('<p>&lt;script&gt;</p>');
    expect(sanitizeRemoteHtml('<p><span>open')).toBe('<p><span>open</span></p>');
    expect(sanitizeRemoteHtml('</span></p>x')).toBe('x');
    expect(sanitizeRemoteHtml('<a href="https://x.example/?a=1&amp;b=&quot;2">l</a>')).toBe(
      '<a href="https://x.example/?a=1&amp;b=%222" rel="nofollow noopener noreferrer" target="_blank">l</a>',
    );
    expect(sanitizeRemoteHtml('<!-- c --><div>one</div><div>two</div>')).toBe('onetwo');
    expect(sanitizeRemoteHtml('<p>x<!--')).toBe('<p>x</p>');
  });
});
