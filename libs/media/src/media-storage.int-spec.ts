import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStorage } from './local-media-storage';
import { mediaKeys } from './media-keys';
import { createMediaStorage } from './media-storage.factory';
import type { MediaStorage } from './media-storage';
import { IMMUTABLE_CACHE_CONTROL, S3MediaStorage } from './s3-media-storage';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** A stored file's bytes and type, read the way the api serves it. */
async function contents(storage: MediaStorage, key: string) {
  const stored = await storage.stat(key);
  if (!stored) return undefined;
  const data = Buffer.concat(await (await storage.read(key)).toArray());
  expect(data.length).toBe(stored.size);
  return { data, contentType: stored.contentType };
}

/** What every driver must do, run against each. */
function behavesAsMediaStorage(name: string, storage: () => MediaStorage, base: () => string) {
  describe(name, () => {
    it('stores, reads back, addresses and deletes files', async () => {
      const { original, small } = mediaKeys('media_attachments', '42', {
        original: 'png',
        small: 'png',
      });
      await storage().put(original, PNG, 'image/png');
      await storage().put(small!, PNG, 'image/png');
      expect(await contents(storage(), original)).toEqual({ data: PNG, contentType: 'image/png' });
      expect(storage().url(original)).toBe(`${base()}/${original}`);
      await storage().delete([original, small!]);
      expect(await contents(storage(), original)).toBeUndefined();
      expect(await contents(storage(), small!)).toBeUndefined();
      await storage().delete([original]); // twice is fine
    });

    it('stores a file from disk (a buffered video upload) as it is', async () => {
      const { original } = mediaKeys('media_attachments', '43', { original: 'mp4' });
      const video = Buffer.concat([
        Buffer.from('000000186674797069736f6d', 'hex'),
        randomBytes(300_000),
      ]);
      const source = join(await mkdtemp(join(tmpdir(), 'media-put-file-')), 'upload');
      await writeFile(source, video);
      await storage().putFile(original, source, 'video/mp4');
      expect(await contents(storage(), original)).toEqual({
        data: video,
        contentType: 'video/mp4',
      });
      // A byte range of it, as a browser seeking in the video asks.
      const part = Buffer.concat(
        await (await storage().read(original, { start: 10, end: 1033 })).toArray(),
      );
      expect(part.equals(video.subarray(10, 1034))).toBe(true);
      await storage().delete([original]);
      await rm(dirname(source), { recursive: true, force: true });
    });
  });
}

describe('media storage drivers', () => {
  let dir: string;
  let s3dir: string;
  let server: S3rver;
  let endpoint: string;
  let s3: S3MediaStorage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-local-'));
    s3dir = await mkdtemp(join(tmpdir(), 'media-s3rver-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: s3dir,
      configureBuckets: [{ name: 'media-test', configs: [] }],
    });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    // Through the factory, as the api and workers build it (credentials: the default chain).
    process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
    s3 = createMediaStorage({
      PUBLIC_ORIGIN: 'https://fediflow.test',
      MEDIA_STORAGE: 's3',
      MEDIA_LOCAL_DIR: dir,
      MEDIA_S3_BUCKET: 'media-test',
      MEDIA_S3_REGION: 'us-east-1',
      MEDIA_S3_ENDPOINT: endpoint,
      MEDIA_PUBLIC_BASE_URL: 'https://media.example.test',
    }) as S3MediaStorage;
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(s3dir, { recursive: true, force: true });
  });

  behavesAsMediaStorage(
    'local filesystem',
    () => new LocalMediaStorage(dir, 'https://fediflow.test/system'),
    () => 'https://fediflow.test/system',
  );
  behavesAsMediaStorage(
    'S3 (s3rver)',
    () => s3,
    () => 'https://media.example.test',
  );

  it('S3 objects carry their content type and an immutable Cache-Control', async () => {
    const { original } = mediaKeys('avatars', '7', { original: 'png' });
    await s3.put(original, PNG, 'image/png');
    const response = await fetch(`${endpoint}/media-test/${original}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe(IMMUTABLE_CACHE_CONTROL);
  });

  it('the local driver reaches no file outside its keys', async () => {
    await writeFile(join(dir, 'secret.txt'), 'secret');
    const local = new LocalMediaStorage(join(dir, 'root'), 'https://fediflow.test/system');
    for (const key of [
      '../secret.txt',
      'media_attachments/1/0123456789abcdef/../../../../secret.txt',
      'media_attachments/1/0123456789abcdef/original.png/../../../../../secret.txt',
      '/etc/passwd',
      'media_attachments/1/0123456789abcdef/original.txt',
    ]) {
      expect(await local.stat(key)).toBeUndefined();
      await expect(local.put(key, PNG, 'image/png')).rejects.toThrow(/not a media key/);
    }
  });

  it('an unreachable S3 is a MediaStorageUnavailableError, promptly', async () => {
    const dead = new S3MediaStorage('media-test', 'https://media.example.test', {
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const { original } = mediaKeys('headers', '7', { original: 'png' });
    await expect(dead.put(original, PNG, 'image/png')).rejects.toMatchObject({
      name: 'MediaStorageUnavailableError',
    });
    dead.destroy();
  });
});
