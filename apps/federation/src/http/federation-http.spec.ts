import { describe, expect, it } from 'vitest';
import { passFedifyAnswer } from './federation-http';

describe('passFedifyAnswer', () => {
  it('passes Fedify’s answers below 500 on untouched', async () => {
    const refused = new Response('Failed to verify the request signature.', { status: 401 });
    expect(await passFedifyAnswer(refused)).toBe(refused);
  });

  it('throws Fedify’s bare 500 for the service’s error mapper, keeping what Fedify said', async () => {
    const failed = new Response('Internal server error.', { status: 500 });
    await expect(passFedifyAnswer(failed)).rejects.toThrow(
      'Fedify answered 500: Internal server error.',
    );
  });
});
