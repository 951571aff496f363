import { describe, expect, it } from 'vitest';
import { verifyPkce } from './pkce';

// The example of RFC 7636, appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('verifyPkce', () => {
  it('accepts the RFC 7636 example', () => {
    expect(verifyPkce(verifier, challenge, 'S256')).toBe(true);
  });
  it('rejects another verifier, a short verifier and a plain mismatch', () => {
    expect(verifyPkce(verifier.replace('d', 'e'), challenge, 'S256')).toBe(false);
    expect(verifyPkce('short', challenge, 'S256')).toBe(false);
    expect(verifyPkce(verifier, challenge, 'plain')).toBe(false);
    expect(verifyPkce(verifier, verifier, 'plain')).toBe(true);
  });
});
