import { registerApp, registerMember, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import { MULTIPART_LIMITS } from './request-bodies';

interface Credentials {
  display_name: string;
  fields: { name: string }[];
  source: { fields: { name: string; value: string }[] };
}

/** Bodies as Mastodon clients send them, and the 4xx answers for bodies that cannot be read. */
describe('request bodies', () => {
  let api: ApiHarness;
  let member: Member;
  let token: string;

  beforeAll(async () => {
    api = await startApi('request-bodies');
    member = await registerMember(api.base, await registerApp(api.base), 'bodies');
    token = member.client.token!;
  });
  afterAll(async () => {
    await api?.close();
  });

  const patch = (body: string | FormData, contentType?: string) =>
    fetch(`${api.base}/api/v1/accounts/update_credentials`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      body,
    });

  it('nests Rails-style names in form-urlencoded bodies', async () => {
    const form = new URLSearchParams([
      ['display_name', 'Form'],
      ['fields_attributes[1][name]', 'second'],
      ['fields_attributes[1][value]', '2'],
      ['fields_attributes[0][name]', 'first'],
      ['fields_attributes[0][value]', '1'],
    ]);
    const response = await patch(form.toString(), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Credentials;
    expect(body.display_name).toBe('Form');
    expect(body.source.fields).toEqual([
      { name: 'first', value: '1', verified_at: null },
      { name: 'second', value: '2', verified_at: null },
    ]);
  });

  it('reads multipart fields and skips the empty file part a browser sends', async () => {
    const form = new FormData();
    form.append('display_name', 'Multipart');
    form.append('fields_attributes[0][name]', 'only');
    form.append('fields_attributes[0][value]', 'one');
    form.append('avatar', new Blob([]), '');
    const response = await patch(form);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Credentials;
    expect(body.display_name).toBe('Multipart');
    expect(body.source.fields.map((field) => field.name)).toEqual(['only']);
  });

  it('refuses unreadable bodies with a 4xx that says why', async () => {
    const conflicting = await patch('note=x&note[a]=y', 'application/x-www-form-urlencoded');
    expect(conflicting.status).toBe(422);
    expect(await conflicting.json()).toMatchObject({ error: expect.stringContaining('note[a]') });

    const polluted = new FormData();
    polluted.append('__proto__[admin]', 'true');
    expect((await patch(polluted)).status).toBe(422);

    const tooMany = new FormData();
    for (let i = 0; i <= MULTIPART_LIMITS.fields; i++) tooMany.append(`f${i}`, 'x');
    expect((await patch(tooMany)).status).toBe(413);

    const longField = new FormData();
    longField.append('note', 'x'.repeat(MULTIPART_LIMITS.fieldSize + 1));
    const long = await patch(longField);
    expect(long.status).toBe(422);
    expect(await long.json()).toMatchObject({ error: expect.stringContaining('note') });

    const broken = await patch(
      '--b\r\ncontent-disposition: form-data; name="note"\r\n\r\nunterminated',
      'multipart/form-data; boundary=b',
    );
    // Truncated or boundary-less multipart was a 500 (busboy's errors carry no status).
    expect([broken.status, await broken.json()]).toEqual([
      422,
      expect.objectContaining({ error: expect.stringContaining('multipart/form-data') }),
    ]);
    const noBoundary = await patch('x', 'multipart/form-data');
    expect(noBoundary.status).toBe(422);

    // The account is untouched by all of the above.
    const me = await member.client.get<Credentials>('/api/v1/accounts/verify_credentials');
    expect(me.body.display_name).toBe('Multipart');
  });
});
