import { describe, expect, it } from 'vitest';
import { hiddenFields } from './form-session';

describe('hiddenFields', () => {
  const page = `<form method="post" action="/oauth/sign_out">
      <input type="hidden" name="state" value="other">
    </form>
    <form method="post" action="/oauth/authorize">
      <input type="hidden" name="state" value="a&amp;b &quot;c&quot;">
      <input type="hidden" name="authenticity_token" value="t0k">
      <input id="login" name="login" type="text" value="not hidden">
    </form>`;

  it('reads the hidden inputs of the form posting to the action, unescaped', () => {
    expect(hiddenFields(page, '/oauth/authorize')).toEqual({
      state: 'a&b "c"',
      authenticity_token: 't0k',
    });
    expect(hiddenFields(page, '/oauth/sign_out')).toEqual({ state: 'other' });
  });

  it('says which form is missing', () => {
    expect(() => hiddenFields(page, '/oauth/sign_in')).toThrow(
      /no form posting to \/oauth\/sign_in/,
    );
  });
});
