import { SECRET_VARIABLES } from '@fediflow/config';
import { evaluate } from '../evaluate.ts';
import {
  firstBody,
  isBody,
  walkStrings,
  type Block,
  type ModuleCall,
  type ModuleDir,
  type TfTree,
} from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, resourcesOf, violationAt } from './rule.ts';

/** The newest Node.js runtime Lambda supports, the images' major (DESIGN.md: Node 24). */
export const LAMBDA_NODE_RUNTIME = 'nodejs24.x';

export const lambdaRuntimeRule: PolicyRule = {
  id: 'TF-LAMBDA-RUNTIME',
  description: `Node.js Lambda functions run ${LAMBDA_NODE_RUNTIME}, the images' Node major (older ones are end-of-life).`,
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(instances, 'aws_lambda_function')) {
      const runtime = evaluate(resource.body['runtime'], instance);
      if (typeof runtime === 'string' && !runtime.startsWith('nodejs')) continue;
      if (runtime !== LAMBDA_NODE_RUNTIME)
        out.push(
          violationAt(
            this.id,
            resource,
            `runtime must be ${LAMBDA_NODE_RUNTIME}, got ${describe(runtime ?? null)} (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

export const lambdaSqsPartialBatchRule: PolicyRule = {
  id: 'TF-LAMBDA-SQS-PARTIAL-BATCH',
  description:
    'SQS event sources report batch item failures (one poison message never retries the rest) and batch at most 10 records.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const { resource, instance } of resourcesOf(
      instances,
      'aws_lambda_event_source_mapping',
    )) {
      const types = evaluate(resource.body['function_response_types'], instance);
      if (!Array.isArray(types) || !types.includes('ReportBatchItemFailures'))
        out.push(
          violationAt(
            this.id,
            resource,
            `function_response_types must include "ReportBatchItemFailures", got ${describe(types ?? null)} (${instance.label})`,
          ),
        );
      const batchSize = evaluate(resource.body['batch_size'], instance);
      if (typeof batchSize !== 'number' || batchSize > 10)
        out.push(
          violationAt(
            this.id,
            resource,
            `batch_size must be set and at most 10 (what one 30 s invocation handles), got ${describe(batchSize ?? null)} (${instance.label})`,
          ),
        );
    }
    return dedupe(out);
  },
};

/** Object keys anywhere in a value (environment maps, locals merged into them). */
function* keysIn(value: unknown): Generator<string> {
  if (Array.isArray(value)) for (const item of value) yield* keysIn(item);
  else if (isBody(value))
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* keysIn(item);
    }
}

function definesFunctions(dir: ModuleDir): boolean {
  return dir.resources.some((r) => r.kind === 'resource' && r.type === 'aws_lambda_function');
}

/** Calls of local modules that create Lambda functions (modules/lambda-function): their inputs set the environment. */
function functionModuleCalls(dir: ModuleDir, tree: TfTree): ModuleCall[] {
  return [...dir.moduleCalls.values()].filter((call) => {
    const child = call.localDir ? tree.dirs.get(call.localDir) : undefined;
    return child !== undefined && definesFunctions(child);
  });
}

export const lambdaNoSecretEnvRule: PolicyRule = {
  id: 'TF-LAMBDA-NO-SECRET-ENV',
  description: `Lambda functions get ${[...SECRET_VARIABLES].join(', ')} as SSM parameter names (<NAME>_SSM_PARAMETER), never as values in their environment (or Terraform state).`,
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      const functions = [
        ...dir.resources.filter((r) => r.type === 'aws_lambda_function'),
        ...functionModuleCalls(dir, tree),
      ];
      const [anchor] = functions;
      if (!anchor) continue;
      const scanned: unknown[] = [...dir.locals.values(), ...functions.map((f) => f.body)];
      const secrets = new Set([...keysIn(scanned)].filter((key) => SECRET_VARIABLES.has(key)));
      for (const secret of secrets)
        out.push(
          violationAt(
            this.id,
            anchor,
            `${secret} is set in a function's environment: pass ${secret}_SSM_PARAMETER instead`,
          ),
        );
    }
    return out;
  },
};

export const lambdaVpcRule: PolicyRule = {
  id: 'TF-LAMBDA-VPC',
  description:
    'Lambda functions run in the VPC (subnets and a security group): PostgreSQL and Redis are private.',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      for (const fn of dir.resources.filter((r) => r.type === 'aws_lambda_function')) {
        const vpc = firstBody(fn.body['vpc_config']);
        if (!vpc || vpc['subnet_ids'] === undefined || vpc['security_group_ids'] === undefined)
          out.push(
            violationAt(this.id, fn, 'no vpc_config with subnet_ids and security_group_ids'),
          );
      }
    }
    return out;
  },
};

/** `metric_name` of every alarm in the directory. */
function alarmedMetrics(dir: ModuleDir): Set<string> {
  return new Set(
    dir.resources
      .filter((r) => r.type === 'aws_cloudwatch_metric_alarm')
      .map((alarm) => alarm.body['metric_name'])
      .filter((name): name is string => typeof name === 'string'),
  );
}

export const lambdaAlarmsRule: PolicyRule = {
  id: 'TF-LAMBDA-ALARMS',
  description:
    'A module with Lambda functions alarms on their Errors and Throttles, and a module with an SQS event source on its dead-letter queue depth.',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      const metrics = alarmedMetrics(dir);
      const fn = dir.resources.find((r) => r.type === 'aws_lambda_function');
      const mapping = dir.resources.find((r) => r.type === 'aws_lambda_event_source_mapping');
      const expectations: [Block | undefined, string[]][] = [
        [fn, ['Errors', 'Throttles']],
        [mapping, ['ApproximateNumberOfMessagesVisible']],
      ];
      for (const [anchor, wanted] of expectations) {
        const missing = wanted.filter((metric) => !metrics.has(metric));
        if (anchor && missing.length > 0)
          out.push(violationAt(this.id, anchor, `no CloudWatch alarm on ${missing.join(', ')}`));
      }
    }
    return out;
  },
};

export const sqsRedriveRule: PolicyRule = {
  id: 'TF-SQS-REDRIVE',
  description:
    'Every SQS queue has a dead-letter queue (redrive_policy with maxReceiveCount), unless it is one (the target of a redrive allow policy).',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      const deadLetterQueues = new Set<string>();
      for (const allow of dir.resources.filter(
        (r) => r.type === 'aws_sqs_queue_redrive_allow_policy',
      )) {
        for (const { value } of walkStrings(allow.body['queue_url']))
          for (const match of value.matchAll(/aws_sqs_queue\.([\w-]+)/g))
            if (match[1]) deadLetterQueues.add(match[1]);
      }
      for (const queue of dir.resources.filter((r) => r.type === 'aws_sqs_queue')) {
        if (deadLetterQueues.has(queue.name)) continue;
        const policy = queue.body['redrive_policy'];
        const text = [...walkStrings(policy)].map((entry) => entry.value).join(' ');
        if (!text.includes('maxReceiveCount') || !text.includes('deadLetterTargetArn'))
          out.push(
            violationAt(
              this.id,
              queue,
              'no redrive_policy with deadLetterTargetArn and maxReceiveCount (and it is no dead-letter queue)',
            ),
          );
      }
    }
    return out;
  },
};

export const lambdaRules: PolicyRule[] = [
  lambdaRuntimeRule,
  lambdaSqsPartialBatchRule,
  lambdaNoSecretEnvRule,
  lambdaVpcRule,
  lambdaAlarmsRule,
  sqsRedriveRule,
];
