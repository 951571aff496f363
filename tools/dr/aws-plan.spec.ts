import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStep, promotePlan, restorePlan } from './aws-plan.ts';

const cli = join(import.meta.dirname, '../dr-aws.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });

describe('AWS DR plans', () => {
  it('promote: replica promotion, node group scaling, then /ready — in that order', () => {
    const steps = promotePlan({ region: 'eu-west-1', host: 'social.example', desiredNodes: 3 });
    expect(steps.map(describeStep)).toEqual([
      'aws rds promote-read-replica --db-instance-identifier fediflow-dr --region eu-west-1',
      'aws rds wait db-instance-available --db-instance-identifier fediflow-dr --region eu-west-1',
      'aws eks update-nodegroup-config --cluster-name fediflow-dr --nodegroup-name fediflow-dr-default --scaling-config minSize=1,maxSize=10,desiredSize=3 --region eu-west-1',
      'aws eks wait nodegroup-active --cluster-name fediflow-dr --nodegroup-name fediflow-dr-default --region eu-west-1',
      'GET https://social.example/ready → expect 200',
    ]);
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
    expect(dry.stdout).toContain(
      'aws rds promote-read-replica --db-instance-identifier fediflow-dr',
    );
    expect(dry.stdout).toContain('(dry run: nothing was called)');
    const missing = run('restore', '--dry-run', '--region', 'eu-central-1');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--time is required');
  }, 30_000);
});
