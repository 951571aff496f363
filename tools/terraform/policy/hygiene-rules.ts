import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HclFile } from '../hcl-loader.ts';
import { firstBody, isBody, isLocalSource, walkStrings } from '../model.ts';
import type { ModuleDir } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
]);
const SECRET_PAIRS = ['private_key', 'access_key', 'api_key', 'secret_key'];
/** Names that describe a secret rather than hold one. */
const SAFE_LAST_WORDS = new Set([
  'arn',
  'arns',
  'id',
  'ids',
  'name',
  'names',
  'prefix',
  'version',
  'type',
  'length',
  'enabled',
  'count',
  'days',
  'window',
  'path',
  'strategy',
  'mode',
  'policy',
  'ttl',
  'seconds',
  'rotation',
  'regions',
  'description',
]);

export function isSecretName(key: string): boolean {
  const lower = key.toLowerCase().replace(/-/g, '_');
  const words = lower.split('_');
  const last = words[words.length - 1] ?? '';
  if (SAFE_LAST_WORDS.has(last)) return false;
  return (
    words.some((word) => SECRET_WORDS.has(word)) ||
    SECRET_PAIRS.some((pair) => lower.includes(pair))
  );
}

const VALUE_PATTERNS: { pattern: RegExp; what: string }[] = [
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
];
/** `scheme://user:password@` with a literal password (interpolations and format verbs excluded). */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/i;

function blockAddress(file: HclFile, path: string[]): string {
  if (file.kind === 'tfvars') return `tfvars.${path[0] ?? ''}`;
  const head = path[0];
  if (head === 'resource' || head === 'data' || head === 'ephemeral')
    return path.slice(0, 3).join('.');
  if (head === 'locals' || head === 'terraform') return head;
  return path.slice(0, 2).join('.');
}

function lineOf(file: HclFile, needle: string): number | undefined {
  const index = file.text.split('\n').findIndex((line) => line.includes(needle));
  return index === -1 ? undefined : index + 1;
}

function literalSecret(path: string[], value: string): string | undefined {
  if (value.includes('${') || value.trim() === '') {
    // Only the literal parts of a template can leak; check them for embedded URL credentials.
  } else {
    const key = path[path.length - 1] ?? '';
    if (isSecretName(key)) return `"${key}" is a literal string`;
    if (path[0] === 'variable' && path[2] === 'default' && isSecretName(path[1] ?? ''))
      return `variable "${path[1]}" has a literal default`;
  }
  for (const { pattern, what } of VALUE_PATTERNS)
    if (pattern.test(value)) return `value contains ${what}`;
  const password = URL_CREDENTIALS.exec(value.replace(/\$\{[^}]*\}/g, '\u0000'))?.[1];
  if (password && !password.includes('\u0000') && !password.startsWith('%'))
    return 'URL carries a literal password';
  return undefined;
}

export const noSecretsRule: PolicyRule = {
  id: 'TF-NO-SECRETS',
  description:
    'No password, token or secret literals (generate them, or read them from Secrets Manager).',
  check({ tree }) {
    const out: Violation[] = [];
    for (const file of tree.files) {
      if (!file.json) continue;
      for (const { path, value } of walkStrings(file.json)) {
        const problem = literalSecret(path, value);
        if (problem) {
          out.push({
            ruleId: this.id,
            file: file.relPath,
            line: lineOf(file, value.slice(0, 40)),
            block: blockAddress(file, path),
            message: problem,
          });
        }
      }
    }
    return out;
  },
};

const ACCOUNT_ID = /(?<![\w./-])\d{12}(?![\w.-])/;
const HEADER = /^([a-z_]+)((?:\s+"[^"]*")*)\s*\{/;

export const noAccountIdRule: PolicyRule = {
  id: 'TF-NO-ACCOUNT-ID',
  description: 'No hard-coded 12-digit AWS account ids (use aws_caller_identity or variables).',
  check({ tree }) {
    const out: Violation[] = [];
    for (const file of tree.files) {
      let block = file.kind === 'tfvars' ? 'tfvars' : '(top level)';
      file.text.split('\n').forEach((line, index) => {
        const header = HEADER.exec(line);
        if (header)
          block = [
            header[1],
            ...[...(header[2] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]),
          ].join('.');
        const assignment = file.kind === 'tfvars' ? /^([\w-]+)\s*=/.exec(line) : null;
        if (assignment) block = `tfvars.${assignment[1]}`;
        const match = ACCOUNT_ID.exec(line);
        if (match)
          out.push({
            ruleId: this.id,
            file: file.relPath,
            line: index + 1,
            block,
            message: `"${match[0]}" looks like an AWS account id`,
          });
      });
    }
    return out;
  },
};

const PINNED = /^\s*(?:=\s*)?\d+\.\d+\.\d+\s*$|^\s*~>\s*\d+\.\d+\.\d+\s*$/;
const BUILTIN_PROVIDERS = new Set(['terraform']);

function tfDirs(dirs: Iterable<ModuleDir>): ModuleDir[] {
  return [...dirs].filter((dir) => dir.files.some((file) => file.kind === 'tf'));
}

export const versionsPinnedRule: PolicyRule = {
  id: 'TF-VERSIONS-PINNED',
  description:
    'Every module has a versions.tf with required_version and every provider pinned exactly or with ~> x.y.z.',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tfDirs(tree.dirs.values())) {
      const file = dir.files.find(
        (f) => f.relPath.endsWith('/versions.tf') || f.relPath === 'versions.tf',
      );
      const fileName = dir.relDir === '.' ? 'versions.tf' : `${dir.relDir}/versions.tf`;
      if (!file?.json) {
        out.push({
          ruleId: this.id,
          file: fileName,
          block: 'terraform',
          message: file ? 'versions.tf does not parse' : 'versions.tf is missing',
        });
        continue;
      }
      const line = lineOf(file, 'terraform {');
      const terraform = firstBody(file.json['terraform']);
      const where = { ruleId: this.id, file: file.relPath, line, block: 'terraform' };
      const requiredVersion = terraform?.['required_version'];
      if (typeof requiredVersion !== 'string')
        out.push({ ...where, message: 'required_version is not set' });
      else if (!PINNED.test(requiredVersion))
        out.push({
          ...where,
          message: `required_version "${requiredVersion}" is not pinned (use x.y.z or ~> x.y.z)`,
        });
      const providers = firstBody(terraform?.['required_providers']) ?? {};
      for (const [name, spec] of Object.entries(providers)) {
        const version = isBody(spec) ? spec['version'] : spec;
        if (typeof version !== 'string')
          out.push({ ...where, message: `provider "${name}" has no version constraint` });
        else if (!PINNED.test(version))
          out.push({
            ...where,
            message: `provider "${name}" version "${version}" is not pinned (use x.y.z or ~> x.y.z)`,
          });
      }
      const used = new Set(dir.resources.map((r) => r.type.split('_')[0] ?? ''));
      for (const provider of used) {
        if (!BUILTIN_PROVIDERS.has(provider) && !(provider in providers)) {
          out.push({
            ...where,
            message: `provider "${provider}" is used but not in required_providers`,
          });
        }
      }
    }
    return out;
  },
};

export const modulePinnedRule: PolicyRule = {
  id: 'TF-MODULE-PINNED',
  description: 'Registry modules are pinned to an exact version; git sources to a ref.',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      for (const call of dir.moduleCalls.values()) {
        if (isLocalSource(call.source)) continue;
        const where = {
          ruleId: this.id,
          file: call.file.relPath,
          line: call.line,
          block: call.address,
        };
        if (/^(git::|github\.com\/|git@)/.test(call.source)) {
          if (!/[?&]ref=/.test(call.source))
            out.push({ ...where, message: `git source "${call.source}" has no ?ref=` });
          continue;
        }
        const version = call.body['version'];
        if (typeof version !== 'string' || !/^\s*=?\s*\d+\.\d+\.\d+\s*$/.test(version)) {
          out.push({
            ...where,
            message: `registry module "${call.source}" must pin an exact version, got ${JSON.stringify(version ?? null)}`,
          });
        }
      }
    }
    return out;
  },
};

// azurerm (blob lease), gcs (lock object) and kubernetes (a Lease, the on-premises roots) lock on
// every operation; only s3 needs a setting.
const NATIVELY_LOCKING_BACKENDS = ['azurerm', 'gcs', 'kubernetes'];

export const stateLockingRule: PolicyRule = {
  id: 'TF-STATE-LOCKING',
  description:
    'Environment roots keep remote, locked state: S3 with use_lockfile or a DynamoDB table, or azurerm / gcs / kubernetes (which always lock).',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tfDirs(tree.dirs.values())) {
      if (!/(^|\/)environments\/[^/]+$/.test(dir.relDir)) continue;
      const backends = dir.files.flatMap((file) => {
        const terraform = file.json?.['terraform'];
        const blocks = Array.isArray(terraform) ? terraform.filter(isBody) : [];
        return blocks.flatMap((block) =>
          isBody(block['backend']) ? [{ file, backend: block['backend'] }] : [],
        );
      });
      const first = backends[0];
      if (!first) {
        out.push({
          ruleId: this.id,
          file: `${dir.relDir}/versions.tf`,
          block: 'terraform',
          message: 'no backend: state would stay on the machine that applied',
        });
        continue;
      }
      const where = {
        ruleId: this.id,
        file: first.file.relPath,
        line: lineOf(first.file, 'backend "'),
        block: 'terraform.backend',
      };
      const s3 = firstBody(first.backend['s3']);
      if (NATIVELY_LOCKING_BACKENDS.some((name) => first.backend[name] !== undefined)) continue;
      if (!s3)
        out.push({
          ...where,
          message: `backend ${Object.keys(first.backend).join(', ')} is not s3, azurerm or gcs (nor kubernetes, for on-premises roots)`,
        });
      else if (s3['use_lockfile'] !== true && typeof s3['dynamodb_table'] !== 'string') {
        out.push({
          ...where,
          message: 'the s3 backend locks nothing: set use_lockfile = true (or dynamodb_table)',
        });
      }
    }
    return out;
  },
};

export const variableDocsRule: PolicyRule = {
  id: 'TF-VARIABLE-DOCS',
  description: 'Every variable has a description and a type.',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      for (const variable of dir.variables.values()) {
        const missing = ['description', 'type'].filter((key) => {
          const value = variable.body[key];
          return typeof value !== 'string' || value.trim() === '';
        });
        if (missing.length > 0) {
          out.push({
            ruleId: this.id,
            file: variable.file.relPath,
            line: variable.line,
            block: variable.address,
            message: `missing ${missing.join(' and ')}`,
          });
        }
      }
    }
    return out;
  },
};

const MODULE_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'];

export const moduleLayoutRule: PolicyRule = {
  id: 'TF-MODULE-LAYOUT',
  description:
    'Reusable modules have main.tf, variables.tf, outputs.tf, versions.tf and a README listing every input and output.',
  check({ tree, root }) {
    const out: Violation[] = [];
    for (const dir of tfDirs(tree.dirs.values())) {
      if (!/(^|\/)modules\/[^/]+$/.test(dir.relDir)) continue;
      const names = new Set(dir.files.map((file) => file.relPath.slice(dir.relDir.length + 1)));
      for (const required of MODULE_FILES) {
        if (!names.has(required))
          out.push({
            ruleId: this.id,
            file: `${dir.relDir}/${required}`,
            block: 'module',
            message: `${required} is missing`,
          });
      }
      const readmePath = join(root, dir.relDir, 'README.md');
      if (!existsSync(readmePath)) {
        out.push({
          ruleId: this.id,
          file: `${dir.relDir}/README.md`,
          block: 'module',
          message: 'README.md is missing',
        });
        continue;
      }
      const readme = readFileSync(readmePath, 'utf8');
      const undocumented = [...dir.variables.keys(), ...dir.outputs.keys()].filter(
        (name) => !readme.includes(`\`${name}\``),
      );
      if (undocumented.length > 0) {
        out.push({
          ruleId: this.id,
          file: `${dir.relDir}/README.md`,
          block: 'module',
          message: `README does not list ${undocumented.join(', ')}`,
        });
      }
    }
    return out;
  },
};

export const hygieneRules: PolicyRule[] = [
  noSecretsRule,
  noAccountIdRule,
  versionsPinnedRule,
  modulePinnedRule,
  stateLockingRule,
  variableDocsRule,
  moduleLayoutRule,
];
