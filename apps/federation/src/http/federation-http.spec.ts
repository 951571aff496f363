import { describe, expect, it } from 'vitest';
import { fedifyAnswer } from './federation-http';

describe('fedifyAnswer', () => {
  it('passes Fedify’s successes and JSON refusals on untouched', async () => {
    const accepted = new Response(null, { status: 202 });
    expect(await fedifyAnswer(accepted)).toBe(accepted);
    const gone = new Response('{"error":"Record not found"}', {
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(await fedifyAnswer(gone)).toBe(gone);
  });

  it('turns a plain-text refusal into Mastodon’s {"error": …} with the same status', async () => {
    const refused = await fedifyAnswer(
      new Response('Failed to verify the request signature.', {
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8', vary: 'Accept' },
      }),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(refused.headers.get('vary')).toBe('Accept');
    expect(await refused.json()).toEqual({ error: 'Failed to verify the request signature.' });
  });

  it('throws Fedify’s bare 500 for the service’s error mapper, keeping what Fedify said', async () => {
    const failed = new Response('Internal server error.', {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    await expect(fedifyAnswer(failed)).rejects.toThrow(
      'Fedify answered 500: Internal server error.',
    );
  });
});
