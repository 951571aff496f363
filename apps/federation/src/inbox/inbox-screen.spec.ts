import { describe, expect, it } from 'vitest';
import { screenInboxRequest } from './inbox-screen';
import { parseInboxSignature } from './inbox-signature';

const activity = Buffer.from(
  JSON.stringify({ type: 'Follow', actor: { id: 'https://remote.example/users/bob' } }),
);
const noneBlocked = { isBlocked: async () => false };

describe('screenInboxRequest', () => {
  it('blocks on the signer host before reading the body', async () => {
    const refusal = await screenInboxRequest(
      parseInboxSignature({
        signature: 'keyId="https://spam.example/actor#main-key",signature="x"',
      }),
      Buffer.from('not even json'),
      { isBlocked: async (url) => new URL(url).hostname === 'spam.example' },
    );
    expect(refusal).toMatchObject({ status: 403, verdict: 'blocked' });
  });

  it('blocks on the actor named in the body (an object with an id too)', async () => {
    const refusal = await screenInboxRequest(
      parseInboxSignature({ signature: 'keyId="https://ok.example/k",signature="x"' }),
      activity,
      { isBlocked: async (url) => new URL(url).hostname === 'remote.example' },
    );
    expect(refusal).toMatchObject({
      status: 403,
      reason: 'activities of remote.example are blocked here',
    });
  });

  it('requires RFC 9421 signatures to cover content-digest', async () => {
    const signed = (components: string) => ({
      signature: 'sig1=:YWJj:',
      'signature-input': `sig1=(${components});keyid="https://remote.example/k";created=1`,
    });
    expect(
      await screenInboxRequest(
        parseInboxSignature(signed('"@method" "@target-uri"')),
        activity,
        noneBlocked,
      ),
    ).toMatchObject({ status: 401, verdict: 'invalid_signature' });
    expect(
      await screenInboxRequest(
        parseInboxSignature(signed('"@method" "content-digest"')),
        activity,
        noneBlocked,
      ),
    ).toEqual({ activity: JSON.parse(activity.toString('utf8')) });
  });

  it('leaves signed, well-formed activities to Fedify', async () => {
    expect(
      await screenInboxRequest(
        parseInboxSignature({ signature: 'keyId="https://remote.example/k"' }),
        activity,
        noneBlocked,
      ),
    ).toEqual({ activity: JSON.parse(activity.toString('utf8')) });
  });

  it('refuses signature values that are not base64 (both schemes) with 401', async () => {
    for (const headers of [
      { signature: 'keyId="https://remote.example/k",signature="not*base64"' },
      {
        signature: 'sig1=:%%%:',
        'signature-input': 'sig1=("@method" "content-digest");keyid="https://remote.example/k"',
      },
    ]) {
      expect(
        await screenInboxRequest(parseInboxSignature(headers), activity, noneBlocked),
      ).toMatchObject({
        status: 401,
        verdict: 'invalid_signature',
        reason: 'the signature value is not base64',
      });
    }
  });

  it('refuses bodies nested deeper than 64 levels before parsing them', async () => {
    const deep = Buffer.from(
      `{"type":"Create","actor":"https://r.example/a","object":${'['.repeat(65)}${']'.repeat(65)}}`,
    );
    expect(
      await screenInboxRequest(
        parseInboxSignature({ signature: 'keyId="https://remote.example/k"' }),
        deep,
        noneBlocked,
      ),
    ).toMatchObject({ status: 400, reason: 'the body is nested deeper than 64 levels' });
  });
});
