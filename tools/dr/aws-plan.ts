/**
 * The AWS side of the runbooks as plans of steps: each step is an AWS CLI call (printed with
 * --dry-run, run with `aws` otherwise), an HTTP readiness check, or a media check (one object of
 * a bucket loaded through its public URL). Names follow the
 * Terraform roots: the DR replica `fediflow-dr`, the DR cluster `fediflow-dr` with node group
 * `fediflow-dr-default`, the production instance `fediflow-production`, the DR media bucket
 * `fediflow-dr-media-<region>` (terraform/environments/*, modules/database, modules/eks and
 * modules/media-storage).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export type Step =
  | { kind: 'aws'; why: string; args: string[] }
  | { kind: 'ready'; why: string; url: string }
  /** Take one object of `bucket` (aws s3api list-objects-v2) and GET it under `baseUrl`. */
  | { kind: 'media'; why: string; bucket: string; region: string; baseUrl: string };

export interface PromoteOptions {
  region: string;
  /** Public host whose /ready must answer 200 from the DR region afterwards. */
  host: string;
  desiredNodes: number;
  /**
   * MEDIA_PUBLIC_BASE_URL the DR cluster hands clients (deploy/overlays/production-dr): the DR
   * region's CloudFront distribution in front of the replica bucket.
   */
  mediaBaseUrl: string;
}

/** The dr root's media bucket (modules/media-storage naming): production's replica. */
export const drMediaBucket = (region: string) => `fediflow-dr-media-${region}`;

/** Regional failover: promote the cross-region replica, scale the DR nodes, verify /ready. */
export function promotePlan(options: PromoteOptions): Step[] {
  const region = ['--region', options.region];
  return [
    {
      kind: 'aws',
      why: 'promote the cross-region read replica to a standalone, writable instance',
      args: ['rds', 'promote-read-replica', '--db-instance-identifier', 'fediflow-dr', ...region],
    },
    {
      kind: 'aws',
      why: 'wait until the promoted instance is available',
      args: [
        'rds',
        'wait',
        'db-instance-available',
        '--db-instance-identifier',
        'fediflow-dr',
        ...region,
      ],
    },
    {
      kind: 'aws',
      why: 'scale the DR node group for production traffic',
      args: [
        ...['eks', 'update-nodegroup-config', '--cluster-name', 'fediflow-dr'],
        ...['--nodegroup-name', 'fediflow-dr-default'],
        ...['--scaling-config', `minSize=1,maxSize=10,desiredSize=${options.desiredNodes}`],
        ...region,
      ],
    },
    {
      kind: 'aws',
      why: 'wait until the node group has scaled',
      args: [
        ...['eks', 'wait', 'nodegroup-active', '--cluster-name', 'fediflow-dr'],
        ...['--nodegroup-name', 'fediflow-dr-default'],
        ...region,
      ],
    },
    {
      kind: 'aws',
      why: 'the replica media bucket (S3 Cross-Region Replication target) answers in the DR region',
      args: ['s3api', 'head-bucket', '--bucket', drMediaBucket(options.region), ...region],
    },
    {
      kind: 'media',
      why: 'a replicated object loads through the DR distribution (Origin Access Control, the replica key), as clients will load it',
      bucket: drMediaBucket(options.region),
      region: options.region,
      baseUrl: options.mediaBaseUrl,
    },
    {
      kind: 'ready',
      why: 'the services in the DR region report ready (database writable, Redis, queues)',
      url: `https://${options.host}/ready`,
    },
  ];
}

/** The `aws` arguments that name one object of the bucket (its key on stdout, "None" if empty). */
export const oneObjectArgs = (step: Extract<Step, { kind: 'media' }>): string[] => [
  ...['s3api', 'list-objects-v2', '--bucket', step.bucket, '--max-items', '1'],
  ...['--query', 'Contents[0].Key', '--output', 'text', '--region', step.region],
];

export interface RestoreOptions {
  region: string;
  /** UTC time just before the mistake (ISO 8601). */
  restoreTime: Date;
  subnetGroup: string;
  securityGroupIds: string[];
  instanceClass: string;
}

/** Point-in-time restore of production into a new instance (the original stays untouched). */
export function restorePlan(options: RestoreOptions): { target: string; steps: Step[] } {
  const stamp = options.restoreTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\..*$/, '')
    .toLowerCase();
  const target = `fediflow-production-pitr-${stamp}`;
  const region = ['--region', options.region];
  return {
    target,
    steps: [
      {
        kind: 'aws',
        why: 'restore base snapshot + transaction logs to the given time into a new instance',
        args: [
          ...['rds', 'restore-db-instance-to-point-in-time'],
          ...['--source-db-instance-identifier', 'fediflow-production'],
          ...['--target-db-instance-identifier', target],
          ...['--restore-time', options.restoreTime.toISOString()],
          ...['--db-subnet-group-name', options.subnetGroup],
          ...['--vpc-security-group-ids', ...options.securityGroupIds],
          ...['--db-instance-class', options.instanceClass],
          '--multi-az',
          '--no-publicly-accessible',
          ...region,
        ],
      },
      {
        kind: 'aws',
        why: 'wait until the restored instance is available',
        args: [
          'rds',
          'wait',
          'db-instance-available',
          '--db-instance-identifier',
          target,
          ...region,
        ],
      },
      {
        kind: 'aws',
        why: 'its endpoint, for `npm run dr:aws -- verify --database-url …` and then the secret',
        args: [
          ...['rds', 'describe-db-instances', '--db-instance-identifier', target],
          ...['--query', 'DBInstances[0].Endpoint.Address', '--output', 'text'],
          ...region,
        ],
      },
    ],
  };
}

const quote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'aws':
      return `aws ${step.args.map(quote).join(' ')}`;
    case 'ready':
      return `GET ${step.url} → expect 200`;
    case 'media':
      return `aws ${oneObjectArgs(step).map(quote).join(' ')} → HEAD ${step.baseUrl}/<key> → expect 200`;
  }
}

/**
 * MEDIA_PUBLIC_BASE_URL of an overlay's media-config generator: what the cluster syncing it hands
 * clients. The failover checks the URL the DR cluster will really use, not a second copy of it.
 */
export async function overlayMediaBaseUrl(repoRoot: string, overlay: string): Promise<string> {
  const file = path.join(repoRoot, 'deploy', 'overlays', overlay, 'kustomization.yaml');
  const kustomization = parse(await readFile(file, 'utf8')) as {
    configMapGenerator?: Array<{ name: string; literals?: string[] }>;
  };
  const literal = (kustomization.configMapGenerator ?? [])
    .filter((generator) => generator.name === 'media-config')
    .flatMap((generator) => generator.literals ?? [])
    .find((entry) => entry.startsWith('MEDIA_PUBLIC_BASE_URL='));
  if (!literal) throw new Error(`${file} sets no MEDIA_PUBLIC_BASE_URL in media-config`);
  return literal.slice('MEDIA_PUBLIC_BASE_URL='.length);
}

/**
 * One replicated object, loaded as a client would: the replica holds objects, and the DR
 * distribution may read and decrypt them (CloudFront answers 403 when Origin Access Control or
 * the replica key's policy refuses it). `aws` runs the CLI and returns its stdout.
 */
export async function checkReplicatedMedia(
  step: Extract<Step, { kind: 'media' }>,
  aws: (args: string[]) => Promise<string>,
): Promise<string> {
  const key = (await aws(oneObjectArgs(step))).trim();
  if (key === '' || key === 'None')
    throw new Error(`${step.bucket} holds no object: replication has not copied anything yet`);
  const url = `${step.baseUrl}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`HEAD ${url} answered ${response.status}`);
  return url;
}
