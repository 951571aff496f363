import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  MastodonClient,
  mp3,
  mp4,
  registerApp,
  registerMembers,
  webm,
  type Member,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountJson } from '../accounts/account.view';
import type { StatusJson } from '../statuses/status.view';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { MediaAttachmentJson } from './media-attachment.view';
import { MediaProcessingRunner } from './media-processing.runner';

type Answer = MediaAttachmentJson & { error?: string };

/** A JPEG as phones write them: EXIF orientation 6 and a GPS position. */
async function phoneJpeg(width = 300, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#2a6' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

function form(fields: Record<string, string | Buffer>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([new Uint8Array(value)]), `${name}.bin`);
  }
  return body;
}

describe('media attachments', () => {
  let api: ApiHarness;
  let dir: string;
  let alice: Member;
  let bob: Member;

  const upload = (member: Member, version: 1 | 2, fields: Record<string, string | Buffer>) =>
    member.client.request<Answer>('POST', `/api/v${version}/media`, { multipart: form(fields) });
  const post = (member: Member, body: Record<string, unknown>) =>
    member.client.post<StatusJson & { error?: string }>('/api/v1/statuses', body);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-api-'));
    api = await startApi('media', {
      MEDIA_LOCAL_DIR: dir,
      MEDIA_MAX_BYTES: String(200 * 1024),
      MEDIA_MAX_VIDEO_BYTES: String(300 * 1024),
    });
    const app = await registerApp(api.base);
    [alice, bob] = await registerMembers(api.base, app, ['alice', 'bob']);
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('POST /api/v1/media processes at once: upright, no EXIF, a preview, a blurhash, served immutable', async () => {
    const { status, body } = await upload(alice, 1, {
      file: await phoneJpeg(),
      description: 'A green square',
      focus: '0.5,-0.25',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      type: 'image',
      description: 'A green square',
      remote_url: null,
      meta: {
        original: { width: 200, height: 300, size: '200x300' },
        focus: { x: 0.5, y: -0.25 },
      },
      blurhash: expect.any(String),
    });
    expect(body.url).toMatch(
      /^https:\/\/fediflow\.test\/system\/media_attachments\/\d+\/[0-9a-f]{16}\/original\.jpg$/,
    );
    expect(body.preview_url).toMatch(/\/small\.jpg$/);

    const served = await fetch(`${api.base}${new URL(body.url!).pathname}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stored = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(stored.exif).toBeUndefined(); // GPS position gone
    expect([stored.width, stored.height]).toEqual([200, 300]);
  });

  it('POST /api/v2/media answers 202 with url null, then GET /api/v1/media/:id gives 206 and 200', async () => {
    const runner = api.service.app.get(MediaProcessingRunner);
    // Hold the processing back so the in-between state is observable.
    let release!: () => void;
    runner.enqueue(() => new Promise<void>((resolve) => (release = resolve)));
    const { status, body } = await upload(alice, 2, { file: await phoneJpeg() });
    expect(status).toBe(202);
    expect(body).toMatchObject({ type: 'image', url: null });
    const pending = await alice.client.get<Answer>(`/api/v1/media/${body.id}`);
    expect(pending.status).toBe(206);
    const early = await post(alice, { status: 'too soon', media_ids: [body.id] });
    expect(early.status).toBe(422);
    expect(early.body.error).toMatch(/not finished processing/);
    release();
    await runner.idle();
    const done = await alice.client.get<Answer>(`/api/v1/media/${body.id}`);
    expect(done.status).toBe(200);
    expect(done.body.url).toMatch(/original\.jpg$/);
    expect((await bob.client.get(`/api/v1/media/${body.id}`)).status).toBe(404);
  });

  it('refuses other types, garbage, oversized files and decompression bombs with 422 and a reason', async () => {
    const pdf = await upload(alice, 1, { file: Buffer.from('%PDF-1.4\n%%EOF\n') });
    expect(pdf.status).toBe(422);
    expect(pdf.body.error).toMatch(/not supported/);
    const v2 = await upload(alice, 2, { file: Buffer.from('%PDF-1.4\n%%EOF\n') });
    expect(v2.status).toBe(422);
    // Beyond every limit: refused while streaming, naming the largest (video's).
    const big = await upload(alice, 1, { file: Buffer.alloc(301 * 1024, 1) });
    expect(big.status).toBe(422);
    expect(big.body.error).toMatch(/less than 307200 bytes/);
    // An image beyond the image limit (video's is larger): refused by the image rule.
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const bigImage = await upload(alice, 1, {
      file: Buffer.concat([png, Buffer.alloc(210 * 1024)]),
    });
    expect(bigImage.status).toBe(422);
    expect(bigImage.body.error).toMatch(/too large .*the limit is 204800 bytes/);
    const bomb = await sharp({
      create: { width: 8_000, height: 5_000, channels: 3, background: '#000' }, // 40 MP
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(200 * 1024);
    const bombed = await upload(alice, 2, { file: bomb });
    expect(bombed.status).toBe(422);
    expect(bombed.body.error).toMatch(/too many pixels/);
    const none = await upload(alice, 1, { description: 'no file' });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatch(/file/);
    const focus = await upload(alice, 1, { file: await phoneJpeg(), focus: '2,0' });
    expect(focus.status).toBe(422);
  });

  it('PUT /api/v1/media/:id sets alt text and focus of own unattached media only', async () => {
    const { body: media } = await upload(alice, 1, { file: await phoneJpeg() });
    const updated = await alice.client.put<Answer>(`/api/v1/media/${media.id}`, {
      description: 'Now described',
      focus: '-1,1',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      description: 'Now described',
      meta: { focus: { x: -1, y: 1 } },
    });
    expect((await bob.client.put(`/api/v1/media/${media.id}`, { description: 'x' })).status).toBe(
      404,
    );
    await post(alice, { status: 'attached', media_ids: [media.id] });
    expect((await alice.client.put(`/api/v1/media/${media.id}`, { description: 'x' })).status).toBe(
      404,
    );
  });

  it('media_ids on statuses: in order, rendered, at most 4, own, not attached elsewhere', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await upload(alice, 1, { file: await phoneJpeg() })).body.id);
    const created = await post(alice, { status: '', media_ids: [ids[1], ids[0]] });
    expect(created.status).toBe(200);
    expect(created.body.media_attachments.map((m) => m.id)).toEqual([ids[1], ids[0]]);
    const read = await new MastodonClient(api.base).get<StatusJson>(
      `/api/v1/statuses/${created.body.id}`,
    );
    expect(read.body.media_attachments[0]).toMatchObject({
      id: ids[1],
      type: 'image',
      blurhash: expect.any(String),
    });

    const five = await post(alice, { status: 'five', media_ids: ids });
    expect(five.status).toBe(422);
    expect(five.body.error).toMatch(/media_ids must be at most 4/);
    const elsewhere = await post(alice, { status: 'again', media_ids: [ids[0]] });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error).toMatch(/already attached/);
    const stolen = await post(bob, { status: 'mine now', media_ids: [ids[2]] });
    expect(stolen.status).toBe(422);
    expect(stolen.body.error).toMatch(/no media attachment/);
    expect((await post(alice, { status: '' })).status).toBe(422); // no text, no media

    // Rails-style form fields as Mastodon's web client sends them.
    const viaForm = await alice.client.request<StatusJson>('POST', '/api/v1/statuses', {
      form: { status: 'form', 'media_ids[]': ids[2]! },
    });
    expect(viaForm.body.media_attachments.map((m) => m.id)).toEqual([ids[2]]);

    // Edits replace the set; the ones left out are free again.
    const edited = await alice.client.put<StatusJson>(`/api/v1/statuses/${created.body.id}`, {
      status: 'edited',
      media_ids: [ids[0], ids[3]],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.media_attachments.map((m) => m.id)).toEqual([ids[0], ids[3]]);
    const kept = await alice.client.put<StatusJson>(`/api/v1/statuses/${created.body.id}`, {
      status: 'edited again',
    });
    expect(kept.body.media_attachments.map((m) => m.id)).toEqual([ids[0], ids[3]]);
    expect((await post(alice, { status: 'reuse', media_ids: [ids[1]] })).status).toBe(200);

    const onlyMedia = await alice.client.get<StatusJson[]>(
      `/api/v1/accounts/${alice.accountId}/statuses?only_media=true`,
    );
    expect(onlyMedia.body.every((s) => s.media_attachments.length > 0)).toBe(true);
    // 'attached' (above), the first, the form one and 'reuse'.
    expect(onlyMedia.body.length).toBe(4);
  });

  it('update_credentials takes an avatar (400×400) and a header (1500×500) that then load', async () => {
    const response = await bob.client.request<AccountJson>(
      'PATCH',
      '/api/v1/accounts/update_credentials',
      {
        multipart: form({
          avatar: await phoneJpeg(900, 600),
          header: await phoneJpeg(900, 600),
          display_name: 'Bob',
        }),
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.display_name).toBe('Bob');
    for (const [url, size] of [
      [response.body.avatar, [400, 400]],
      [response.body.header, [1500, 500]],
    ] as const) {
      expect(url).toMatch(/^https:\/\/fediflow\.test\/system\/(avatars|headers)\//);
      const image = await fetch(`${api.base}${new URL(url).pathname}`);
      expect(image.status).toBe(200);
      const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual(size);
      expect(meta.exif).toBeUndefined();
    }
    const shown = await new MastodonClient(api.base).get<AccountJson>(
      `/api/v1/accounts/${bob.accountId}`,
    );
    expect(shown.body.avatar).toBe(response.body.avatar);
    const bad = await bob.client.request('PATCH', '/api/v1/accounts/update_credentials', {
      multipart: form({ avatar: Buffer.from('not an image') }),
    });
    expect(bad.status).toBe(422);
  });

  it('video and audio are stored as they are: sniffed type, no preview, served unchanged', async () => {
    const cases = [
      // Larger than the image limit, within the video limit.
      { file: mp4(250 * 1024), version: 2 as const, type: 'video', mime: 'video/mp4', ext: 'mp4' },
      { file: webm(), version: 1 as const, type: 'video', mime: 'video/webm', ext: 'webm' },
      { file: mp3(), version: 1 as const, type: 'audio', mime: 'audio/mpeg', ext: 'mp3' },
    ];
    const ids: string[] = [];
    for (const { file, version, type, mime, ext } of cases) {
      const created = await upload(alice, version, { file, description: `a ${type}` });
      // Nothing to process: v2 stores it before answering, and says so with 200 (as Mastodon
      // answers an upload processed synchronously).
      expect(created.status, created.body.error).toBe(200);
      expect(created.body.type).toBe(type);
      await api.service.app.get(MediaProcessingRunner).idle();
      const shown = await alice.client.get<Answer>(`/api/v1/media/${created.body.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ type, preview_url: null, description: `a ${type}` });
      expect(shown.body.url).toMatch(
        new RegExp(`^https://fediflow\\.test/system/media_attachments/.+\\.${ext}$`),
      );
      const fileUrl = `${api.base}${new URL(shown.body.url!).pathname}`;
      const served = await fetch(fileUrl);
      expect([served.status, served.headers.get('content-type')]).toEqual([200, mime]);
      expect(served.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await served.arrayBuffer()).equals(file)).toBe(true);
      // Seeking: the browser asks for a byte range and gets exactly it (206), or 416 past the end.
      const part = await fetch(fileUrl, { headers: { range: 'bytes=16-99' } });
      expect([part.status, part.headers.get('content-range')]).toEqual([
        206,
        `bytes 16-99/${file.length}`,
      ]);
      expect(Buffer.from(await part.arrayBuffer()).equals(file.subarray(16, 100))).toBe(true);
      const tail = await fetch(fileUrl, { headers: { range: 'bytes=-50' } });
      expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(-50))).toBe(true);
      const past = await fetch(fileUrl, { headers: { range: `bytes=${file.length}-` } });
      expect([past.status, past.headers.get('content-range')]).toEqual([
        416,
        `bytes */${file.length}`,
      ]);
      ids.push(created.body.id);
    }
    const posted = await post(alice, { status: 'a clip and a song', media_ids: ids });
    expect(posted.status).toBe(200);
    expect(posted.body.media_attachments.map((m) => m.type)).toEqual(['video', 'video', 'audio']);
    // An unsupported container (Matroska that is not WebM) is refused, naming what is accepted.
    const mkv = await upload(alice, 1, { file: webm('matroska') });
    expect(mkv.status).toBe(422);
    expect(mkv.body.error).toMatch(/not supported: .*MP4, WebM/);
  });

  it('the instance configuration lists exactly what is accepted, with the limits', async () => {
    const { body } = await new MastodonClient(api.base).get<{
      configuration: { media_attachments: Record<string, unknown> };
    }>('/api/v2/instance');
    expect(body.configuration.media_attachments).toMatchObject({
      image_size_limit: 200 * 1024,
      video_size_limit: 300 * 1024,
    });
    const types = body.configuration.media_attachments.supported_mime_types as string[];
    expect(types).toEqual(
      expect.arrayContaining(['image/jpeg', 'video/mp4', 'video/webm', 'audio/mpeg']),
    );
    expect(types).not.toContain('video/x-matroska');
  });

  it('/system serves stored media only: no traversal, unknown keys 404', async () => {
    for (const path of [
      '/system/media_attachments/1/0123456789abcdef/original.jpg',
      '/system/media_attachments/1/0123456789abcdef/..%2F..%2F..%2Fpackage.json',
      '/system/../package.json',
      '/system/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      expect((await fetch(`${api.base}${path}`)).status).toBe(404);
    }
  });
});
