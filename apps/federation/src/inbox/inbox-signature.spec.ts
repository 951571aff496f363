import { describe, expect, it } from 'vitest';
import { parseInboxSignature } from './inbox-signature';

describe('parseInboxSignature', () => {
  it('reads the keyId of a draft-cavage Signature header', () => {
    expect(
      parseInboxSignature({
        signature:
          'keyId="https://a.example/users/bob#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc="',
      }).keyIds,
    ).toEqual(['https://a.example/users/bob#main-key']);
  });

  it('reads every keyid of RFC 9421 Signature-Input and ignores its Signature header', () => {
    expect(
      parseInboxSignature({
        signature: 'sig1=:YWJj:, sig2=:ZGVm:',
        'signature-input':
          'sig1=("@method" "@target-uri" "content-digest");alg="rsa-v1_5-sha256";keyid="https://a.example/k";created=1, sig2=("@method");keyid="https://b.example/k"',
      }).keyIds,
    ).toEqual(['https://a.example/k', 'https://b.example/k']);
  });

  it('keeps the draft-cavage parameters for the fast path, only when each is named once', () => {
    const signature = parseInboxSignature({
      signature: 'keyId="https://a.example/k",headers="(request-target) host",signature="abc="',
    });
    expect(signature).toMatchObject({ scheme: 'draft-cavage', signed: true, values: ['abc='] });
    expect(signature.cavage?.get('headers')).toBe('(request-target) host');
    expect(
      parseInboxSignature({ signature: 'keyId="https://a.example/k",keyId="https://b.example/k"' })
        .cavage,
    ).toBeUndefined();
  });

  it('takes any Signature-Input header, even an empty one, as RFC 9421 (as Fedify does)', () => {
    const signature = parseInboxSignature({
      signature: 'keyId="https://a.example/k",signature="abc="',
      'signature-input': '',
    });
    expect(signature).toMatchObject({ scheme: 'rfc9421', keyIds: [], values: [] });
    expect(signature.cavage).toBeUndefined();
    expect(parseInboxSignature({}).signed).toBe(false);
  });
});
