/**
 * Dockerfile checks run by `npm test`: dockerfile-utils' linter (syntax, flags, references) plus
 * FediFlow's image policy (docs/containers.md). Each finding names its rule and line.
 */
import { SECRET_VARIABLES } from '@fediflow/config';
import { validate } from 'dockerfile-utils';

export type RuleId =
  | 'lint'
  | 'multi-stage'
  | 'pinned-runtime-base'
  | 'prod-deps-base'
  | 'prod-deps-manifest'
  | 'numeric-non-root-user'
  | 'no-remote-add'
  | 'no-secrets-in-build-config'
  | 'copy-chown-runtime-user'
  | 'expose-ports'
  | 'init-process'
  | 'no-package-managers';

export interface Finding {
  readonly rule: RuleId;
  /** 1-based line of the instruction (0 for the file as a whole). */
  readonly line: number;
  readonly message: string;
}

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** The ports every service image exposes: HTTP and Prometheus metrics (DESIGN.md §2). */
export const REQUIRED_PORTS = ['3000', '9464'] as const;
const RUNTIME_UID = '1001';
/** `node:<x.y.z>-alpine<x.y>`, optionally with a digest: a tag that cannot move to a new Node. */
const PINNED_ALPINE_NODE = /^node:\d+\.\d+\.\d+-alpine\d+\.\d+(@sha256:[0-9a-f]{64})?$/;
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** Logical instructions: continuation lines joined, comments and blank lines dropped. */
export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (!pending && trimmed === '')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    pending = pending
      ? { text: `${pending.text} ${part}`, line: pending.line }
      : { text: part, line: index + 1 };
    if (!continued) {
      const [keyword = '', ...rest] = pending.text.trim().split(/\s+/);
      instructions.push({
        keyword: keyword.toUpperCase(),
        args: rest.join(' '),
        line: pending.line,
      });
      pending = undefined;
    }
  });
  return instructions;
}

/** Splits instructions into build stages (anything before the first FROM is ignored). */
export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({
        base: words[0] ?? '',
        name: asIndex >= 0 ? words[asIndex + 1] : undefined,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** `--name=value` flags at the start of an instruction's arguments. */
function flags(args: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const word of args.split(/\s+/)) {
    if (!word.startsWith('--')) break;
    const [name = '', value = ''] = word.slice(2).split('=', 2);
    result.set(name, value);
  }
  return result;
}

/** Words of an instruction's arguments after its flags. */
function operands(args: string): string[] {
  return args.split(/\s+/).filter((word, index, all) => {
    const flagsEnd = all.findIndex((candidate) => !candidate.startsWith('--'));
    return word !== '' && (flagsEnd === -1 ? false : index >= flagsEnd);
  });
}

/** Names declared by ARG (`ARG A=1`) or ENV (`ENV A=1 B=2` or legacy `ENV A 1`). */
function declaredNames(instruction: Instruction): string[] {
  if (instruction.keyword === 'ARG') return [instruction.args.split('=', 1)[0]?.trim() ?? ''];
  if (!instruction.args.includes('=')) return [instruction.args.split(/\s+/, 1)[0] ?? ''];
  return [...instruction.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map(
    ([, name]) => name ?? '',
  );
}

function lintFindings(text: string): Finding[] {
  // Warnings count too (deprecated or mis-cased instructions): the file is ours and small.
  return validate(text).map((diagnostic) => ({
    rule: 'lint' as const,
    line: diagnostic.range.start.line + 1,
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
  }));
}

/** All findings for a Dockerfile's text; an empty list means it passes. */
export function checkDockerfile(text: string): Finding[] {
  const findings: Finding[] = lintFindings(text);
  const add = (rule: RuleId, line: number, message: string) =>
    findings.push({ rule, line, message });
  const stages = parseStages(text);
  const runtime = stages.at(-1);
  if (stages.length < 2 || !runtime) {
    add('multi-stage', 0, 'build and runtime must be separate stages (at least two FROM)');
    if (!runtime) return findings;
  }
  const runtimeLine = (keyword: string) =>
    runtime.instructions.filter((instruction) => instruction.keyword === keyword);

  if (!PINNED_ALPINE_NODE.test(runtime.base)) {
    add(
      'pinned-runtime-base',
      0,
      `runtime stage must start from an exact node:<x.y.z>-alpine<x.y> tag, not ${runtime.base}`,
    );
  }

  for (const stage of stages) {
    const installsProduction = stage.instructions.some(
      (instruction) =>
        instruction.keyword === 'RUN' && /\bnpm ci\b[^&;]*--omit=dev/.test(instruction.args),
    );
    if (!installsProduction) continue;
    if (stage !== runtime && stage.base !== runtime.base) {
      add(
        'prod-deps-base',
        0,
        `stage ${stage.name ?? stage.base} installs production dependencies on ${stage.base}; ` +
          `it must use the runtime base ${runtime.base} (native modules, libc)`,
      );
    }
    for (const instruction of stage.instructions) {
      const copy = instruction.keyword === 'COPY' || instruction.keyword === 'ADD';
      if (
        copy &&
        !flags(instruction.args).has('from') &&
        /package-lock\.json/.test(instruction.args)
      ) {
        add(
          'prod-deps-manifest',
          instruction.line,
          'the production install must use the service package.json + lockfile from the build ' +
            'stage, never the workspace root lockfile (it carries the glibc `node` devDependency)',
        );
      }
    }
  }

  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (
        instruction.keyword === 'ADD' &&
        operands(instruction.args).some((source) => /^(https?|git|ssh):|^git@/.test(source))
      ) {
        add('no-remote-add', instruction.line, 'ADD from a URL: download in RUN with a checksum');
      }
      if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        for (const name of declaredNames(instruction)) {
          if (SECRET_NAME.test(name) || SECRET_VARIABLES.has(name)) {
            add(
              'no-secrets-in-build-config',
              instruction.line,
              `${instruction.keyword} ${name} would store a secret in the image metadata; ` +
                'use RUN --mount=type=secret or runtime configuration',
            );
          }
        }
      }
    }
  }

  const users = runtimeLine('USER');
  const user = users.at(-1)?.args.trim() ?? '';
  const [uid] = user.split(':');
  if (!uid || !/^\d+$/.test(uid) || uid === '0') {
    add(
      'numeric-non-root-user',
      users.at(-1)?.line ?? 0,
      `the runtime stage must end with a numeric non-root USER (got ${user || 'none'}); ` +
        'Kubernetes runAsNonRoot can only verify numeric ids',
    );
  }
  for (const copy of runtimeLine('COPY')) {
    const chown = flags(copy.args).get('chown');
    if (chown !== `${RUNTIME_UID}:${RUNTIME_UID}`) {
      add(
        'copy-chown-runtime-user',
        copy.line,
        `COPY into the runtime stage needs --chown=${RUNTIME_UID}:${RUNTIME_UID} (got ${chown ?? 'none'})`,
      );
    }
  }
  const exposed = new Set(
    runtimeLine('EXPOSE').flatMap((expose) => expose.args.split(/\s+/).map((p) => p.split('/')[0])),
  );
  const missingPorts = REQUIRED_PORTS.filter((port) => !exposed.has(port));
  if (missingPorts.length > 0) {
    add('expose-ports', 0, `the runtime stage must EXPOSE ${missingPorts.join(' and ')}`);
  }
  const entrypoint = runtimeLine('ENTRYPOINT').at(-1);
  if (!entrypoint || !/tini/.test(entrypoint.args)) {
    add(
      'init-process',
      entrypoint?.line ?? 0,
      'the runtime ENTRYPOINT must start tini, so that signals reach node and zombies are reaped',
    );
  }
  const removals = runtimeLine('RUN')
    .map((run) => run.args)
    .join(' ');
  for (const tool of ['npm', 'npx', 'corepack', 'yarn']) {
    if (!new RegExp(`\\brm\\b[^;&]*/usr/local/bin/${tool}(\\s|$)`).test(removals)) {
      add(
        'no-package-managers',
        0,
        `the runtime stage must remove ${tool} (/usr/local/bin/${tool})`,
      );
    }
  }
  return findings;
}
