import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Violation } from './types.ts';
import { validateTerraform } from './validate.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'xref');

describe('cross-reference checks', () => {
  let violations: Violation[] = [];
  beforeAll(async () => {
    violations = (await validateTerraform(fixture, { fmt: false })).violations.filter((v) =>
      v.ruleId.startsWith('XREF-'),
    );
  });
  const of = (ruleId: string) => violations.filter((v) => v.ruleId === ruleId);

  it('rejects an input the module does not declare', () => {
    expect(of('XREF-UNKNOWN-INPUT')).toEqual([
      expect.objectContaining({
        file: 'environments/app/main.tf',
        block: 'module.unknown_input',
        line: 1,
        message: 'input "colour" is not a variable of modules/thing',
      }),
    ]);
  });

  it('rejects a call that leaves a required input unset (optional inputs may be omitted)', () => {
    expect(of('XREF-MISSING-INPUT')).toEqual([
      expect.objectContaining({
        block: 'module.missing_input',
        message: 'required input "name" of modules/thing is not set',
      }),
    ]);
  });

  it('rejects module.X.Y when module X has no output Y, and accepts outputs that exist', () => {
    expect(of('XREF-UNKNOWN-OUTPUT')).toEqual([
      expect.objectContaining({
        file: 'environments/app/main.tf',
        block: 'output.bad',
        line: 21,
        message: 'module.unknown_input.queue_name: modules/thing has no output "queue_name"',
      }),
    ]);
  });

  it('rejects references to modules that are not called and sources that do not exist', () => {
    expect(of('XREF-UNKNOWN-MODULE').map((v) => v.block)).toEqual(['output.undeclared']);
    expect(of('XREF-MODULE-SOURCE').map((v) => v.block)).toEqual(['module.gone']);
  });

  it('rejects var.X that the module does not declare', () => {
    expect(of('XREF-UNKNOWN-VARIABLE')).toEqual([
      expect.objectContaining({
        file: 'modules/thing/main.tf',
        block: 'resource.aws_sqs_queue.this',
        message: 'var.colour is not declared in modules/thing',
      }),
    ]);
  });
});
