import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkReplicatedMedia,
  describeStep,
  overlayMediaBaseUrl,
  promotePlan,
  restorePlan,
  type Step,
} from './aws-plan.ts';

const repoRoot = join(import.meta.dirname, '../..');
const MEDIA = 'https://d1q9v4s7b2k5xe.cloudfront.net';

const cli = join(import.meta.dirname, '../dr-aws.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });

describe('AWS DR plans', () => {
  it('promote: replica promotion, node group scaling, the replica media, then /ready — in that order', () => {
    const steps = promotePlan({
      region: 'eu-west-1',
      host: 'social.example',
      desiredNodes: 3,
      mediaBaseUrl: MEDIA,
    });
    expect(steps.map(describeStep)).toEqual([
      'aws rds promote-read-replica --db-instance-identifier fediflow-dr --region eu-west-1',
      'aws rds wait db-instance-available --db-instance-identifier fediflow-dr --region eu-west-1',
      'aws eks update-nodegroup-config --cluster-name fediflow-dr --nodegroup-name fediflow-dr-default --scaling-config minSize=1,maxSize=10,desiredSize=3 --region eu-west-1',
      'aws eks wait nodegroup-active --cluster-name fediflow-dr --nodegroup-name fediflow-dr-default --region eu-west-1',
      'aws s3api head-bucket --bucket fediflow-dr-media-eu-west-1 --region eu-west-1',
      `aws s3api list-objects-v2 --bucket fediflow-dr-media-eu-west-1 --max-items 1 --query 'Contents[0].Key' --output text --region eu-west-1 → HEAD ${MEDIA}/<key> → expect 200`,
      'GET https://social.example/ready → expect 200',
    ]);
  });

  it('promote checks the media URL the DR cluster will hand clients after failover', async () => {
    // deploy/overlays/production-dr is what argocd/clusters/dr switches to (docs/deployment.md).
    expect(await overlayMediaBaseUrl(repoRoot, 'production-dr')).toBe(MEDIA);
    expect(await overlayMediaBaseUrl(repoRoot, 'production')).not.toBe(MEDIA);
    await expect(overlayMediaBaseUrl(repoRoot, 'dev')).rejects.toThrow(
      /sets no MEDIA_PUBLIC_BASE_URL/,
    );
  });

  it('restore: a new instance named after the restore time; the source stays untouched', () => {
    const plan = restorePlan({
      region: 'eu-central-1',
      restoreTime: new Date('2026-12-02T06:16:04.684Z'),
      subnetGroup: 'fediflow-production',
      securityGroupIds: ['sg-1', 'sg-2'],
      instanceClass: 'db.m7g.large',
    });
    expect(plan.target).toBe('fediflow-production-pitr-20261202t061604');
    const restore = plan.steps[0];
    expect(restore?.kind === 'aws' && restore.args).toEqual(
      expect.arrayContaining([
        'restore-db-instance-to-point-in-time',
        '--restore-time',
        '2026-12-02T06:16:04.684Z',
        '--vpc-security-group-ids',
        'sg-1',
        'sg-2',
      ]),
    );
    expect(plan.steps.map(describeStep).join('\n')).not.toMatch(/delete|modify-db-instance/);
  });

  it('the CLI prints every call with --dry-run and rejects a missing option with exit 2', () => {
    const dry = run('promote', '--dry-run', '--region', 'eu-west-1', '--host', 'social.example');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`HEAD ${MEDIA}/<key>`);
    expect(dry.stdout).toContain(
      'aws rds promote-read-replica --db-instance-identifier fediflow-dr',
    );
    expect(dry.stdout).toContain('(dry run: nothing was called)');
    const missing = run('restore', '--dry-run', '--region', 'eu-central-1');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--time is required');
  }, 30_000);
});

describe('the replicated-media check', () => {
  // A stand-in for the DR distribution: 200 for the replicated key, 403 (what CloudFront answers
  // when Origin Access Control or the replica key refuses) for the rest.
  let server: Server;
  let base: string;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.statusCode = request.url === '/media_attachments/a1b2/original.webp' ? 200 : 403;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const step = (): Extract<Step, { kind: 'media' }> => ({
    kind: 'media',
    why: 'test',
    bucket: 'fediflow-dr-media-eu-west-1',
    region: 'eu-west-1',
    baseUrl: base,
  });

  it('lists one object of the replica bucket and loads it through the distribution', async () => {
    const calls: string[][] = [];
    const url = await checkReplicatedMedia(step(), async (args) => {
      calls.push(args);
      return 'media_attachments/a1b2/original.webp\n';
    });
    expect(url).toBe(`${base}/media_attachments/a1b2/original.webp`);
    expect(calls).toEqual([
      [
        ...['s3api', 'list-objects-v2', '--bucket', 'fediflow-dr-media-eu-west-1'],
        ...['--max-items', '1', '--query', 'Contents[0].Key', '--output', 'text'],
        ...['--region', 'eu-west-1'],
      ],
    ]);
    expect(requests.at(-1)).toBe('HEAD /media_attachments/a1b2/original.webp');
  });

  it('fails when the distribution refuses the object, or nothing was replicated', async () => {
    await expect(
      checkReplicatedMedia(step(), async () => 'accounts/avatars/x.png'),
    ).rejects.toThrow(/HEAD http:\/\/127\.0\.0\.1:\d+\/accounts\/avatars\/x\.png answered 403/);
    await expect(checkReplicatedMedia(step(), async () => 'None')).rejects.toThrow(
      'fediflow-dr-media-eu-west-1 holds no object: replication has not copied anything yet',
    );
  });
});
