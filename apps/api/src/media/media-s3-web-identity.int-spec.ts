import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { MediaAttachmentJson } from './media-attachment.view';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/fediflow-dr-media-external';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.signature';

/**
 * The api on a cluster outside AWS (deploy/components/aws-web-identity): no keys in its
 * environment, only AWS_ROLE_ARN and the projected token's file. The real AWS SDK must exchange
 * the token at STS (AssumeRoleWithWebIdentity, here a loopback stand-in that answers as STS
 * documents) and sign its S3 requests with the credentials it returns (s3rver accepts only those).
 */
describe('media on S3 with web identity credentials (secondary clouds)', () => {
  let dir: string;
  let s3: S3rver;
  let sts: Server;
  const exchanges: URLSearchParams[] = [];
  let api: ApiHarness;
  let alice: Member;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-web-identity-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'fediflow-dr-media', configs: [] }],
    });
    const endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    sts = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        exchanges.push(new URLSearchParams(body));
        const expiration = new Date(Date.now() + 3_600_000).toISOString();
        response.writeHead(200, { 'content-type': 'text/xml' });
        // s3rver's own key pair: an S3 request signed with anything else is refused.
        response.end(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials><AccessKeyId>S3RVER</AccessKeyId><SecretAccessKey>S3RVER</SecretAccessKey>
      <SessionToken>session</SessionToken><Expiration>${expiration}</Expiration></Credentials>
    <SubjectFromWebIdentityToken>system:serviceaccount:fediflow-production:api</SubjectFromWebIdentityToken>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>web-identity-test</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`);
      });
    });
    sts.listen(0, '127.0.0.1');
    await once(sts, 'listening');
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, TOKEN);
    // What the component gives the pod; the SDK reads them from the environment.
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    process.env['AWS_ROLE_ARN'] = ROLE_ARN;
    process.env['AWS_WEB_IDENTITY_TOKEN_FILE'] = tokenFile;
    process.env['AWS_ENDPOINT_URL_STS'] = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
    api = await startApi('media-web-identity', {
      MEDIA_STORAGE: 's3',
      MEDIA_S3_BUCKET: 'fediflow-dr-media',
      MEDIA_S3_REGION: 'eu-west-1',
      MEDIA_S3_ENDPOINT: endpoint,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    });
    [alice] = await registerMembers(api.base, await registerApp(api.base), ['alice']);
  });
  afterAll(async () => {
    await api?.close();
    await s3?.close();
    sts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exchanges the pod token for the role and stores the upload with those credentials', async () => {
    const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#369' } })
      .png()
      .toBuffer();
    const body = new FormData();
    body.append('file', new Blob([new Uint8Array(png)]), 'a.png');
    const uploaded = await alice.client.request<MediaAttachmentJson>('POST', '/api/v1/media', {
      multipart: body,
    });
    expect(uploaded.status).toBe(200);
    const served = await fetch(`${api.base}${new URL(uploaded.body.url!).pathname}`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
    // One exchange serves every request until the credentials near their expiry.
    expect(exchanges.length).toBeGreaterThanOrEqual(1);
    expect(Object.fromEntries(exchanges[0]!)).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE_ARN,
      WebIdentityToken: TOKEN,
    });
  });
});
