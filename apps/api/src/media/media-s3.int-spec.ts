import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { MediaAttachmentJson } from './media-attachment.view';

/** The api with MEDIA_STORAGE=s3 against an S3-compatible server (s3rver) this suite runs. */
describe('media on S3 (s3rver)', () => {
  let dir: string;
  let s3: S3rver;
  let endpoint: string;
  let proxied: ApiHarness;
  let behindCdn: ApiHarness;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-s3-api-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'fediflow-media', configs: [] }],
    });
    endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    // The SDK's default credential chain (IRSA in production) reads these; s3rver's own keys.
    process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
    const s3Env = {
      MEDIA_STORAGE: 's3',
      MEDIA_S3_BUCKET: 'fediflow-media',
      MEDIA_S3_ENDPOINT: endpoint,
    };
    proxied = await startApi('media-s3', s3Env);
    behindCdn = await startApi('media-s3-cdn', {
      ...s3Env,
      MEDIA_PUBLIC_BASE_URL: 'https://media.fediflow.test',
    });
    [alice] = await registerMembers(proxied.base, await registerApp(proxied.base), ['alice']);
    [bob] = await registerMembers(behindCdn.base, await registerApp(behindCdn.base), ['bob']);
  });
  afterAll(async () => {
    await proxied?.close();
    await behindCdn?.close();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const upload = async (member: Member) => {
    const body = new FormData();
    const png = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#963' } })
      .png()
      .toBuffer();
    body.append('file', new Blob([new Uint8Array(png)]), 'a.png');
    return member.client.request<MediaAttachmentJson>('POST', '/api/v1/media', { multipart: body });
  };

  it('stores uploads in the bucket and serves them through /system without a public base', async () => {
    const { status, body } = await upload(alice);
    expect(status).toBe(200);
    const key = new URL(body.url!).pathname.replace('/system/', '');
    const object = await fetch(`${endpoint}/fediflow-media/${key}`);
    expect([object.status, object.headers.get('content-type')]).toEqual([200, 'image/png']);
    const served = await fetch(`${proxied.base}/system/${key}`, { redirect: 'manual' });
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(80);
  });

  it('with MEDIA_PUBLIC_BASE_URL (CloudFront) clients get CDN URLs and /system redirects there', async () => {
    const { body } = await upload(bob);
    expect(body.url).toMatch(/^https:\/\/media\.fediflow\.test\/media_attachments\//);
    const key = new URL(body.url!).pathname.slice(1);
    const served = await fetch(`${behindCdn.base}/system/${key}`, { redirect: 'manual' });
    expect(served.status).toBe(301);
    expect(served.headers.get('location')).toBe(body.url);
  });
});
