/**
 * The AWS side of the runbooks as plans of steps: each step is either an AWS CLI call (printed
 * with --dry-run, run with `aws` otherwise) or an HTTP readiness check. Names follow the
 * Terraform roots: the DR replica `fediflow-dr`, the DR cluster `fediflow-dr` with node group
 * `fediflow-dr-default`, the production instance `fediflow-production`
 * (terraform/environments/*, modules/database and modules/eks).
 */

export type Step =
  { kind: 'aws'; why: string; args: string[] } | { kind: 'ready'; why: string; url: string };

export interface PromoteOptions {
  region: string;
  /** Public host whose /ready must answer 200 from the DR region afterwards. */
  host: string;
  desiredNodes: number;
}

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
      kind: 'ready',
      why: 'the services in the DR region report ready (database writable, Redis, queues)',
      url: `https://${options.host}/ready`,
    },
  ];
}

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
  return step.kind === 'aws'
    ? `aws ${step.args.map(quote).join(' ')}`
    : `GET ${step.url} → expect 200`;
}
