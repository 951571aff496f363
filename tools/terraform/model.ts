import { posix } from 'node:path';
import type { HclFile } from './hcl-loader.ts';
import type { HclBody } from './types.ts';

/** A labelled block such as `resource "aws_eks_cluster" "this"`, with its body. */
export interface Block {
  /** `resource`, `data`, `ephemeral`, `module`, `variable`, `output`. */
  kind: string;
  /** Resource type for resource/data/ephemeral blocks, empty otherwise. */
  type: string;
  name: string;
  /** Address used in reports, e.g. `resource.aws_db_instance.this`. */
  address: string;
  body: HclBody;
  file: HclFile;
  line?: number;
}

export interface ModuleCall extends Block {
  source: string;
  /** Directory of a local module (`./` or `../` source), relative to the checked root. */
  localDir?: string;
}

/** All `.tf`/`.tfvars` files of one directory: a Terraform module or root configuration. */
export interface ModuleDir {
  relDir: string;
  files: HclFile[];
  variables: Map<string, Block>;
  outputs: Map<string, Block>;
  locals: Map<string, unknown>;
  moduleCalls: Map<string, ModuleCall>;
  /** resource, data and ephemeral blocks. */
  resources: Block[];
  /** Values assigned in the directory's `.tfvars` files (later files win). */
  tfvars: Map<string, { value: unknown; file: HclFile }>;
}

export interface TfTree {
  files: HclFile[];
  dirs: Map<string, ModuleDir>;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of the first line matching `pattern`, if any. */
export function findLine(text: string, pattern: RegExp): number | undefined {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}

export function blockHeaderPattern(kind: string, ...labels: string[]): RegExp {
  const parts = labels.map((label) => `\\s+"${escape(label)}"`).join('');
  return new RegExp(`^\\s*${escape(kind)}${parts}\\s*\\{`);
}

export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../');
}

/** hcl2json wraps every repeated block in an array; the first element is the block body. */
export function firstBody(value: unknown): HclBody | undefined {
  if (Array.isArray(value)) return isBody(value[0]) ? value[0] : undefined;
  return isBody(value) ? value : undefined;
}

export function isBody(value: unknown): value is HclBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function emptyDir(relDir: string): ModuleDir {
  return {
    relDir,
    files: [],
    variables: new Map(),
    outputs: new Map(),
    locals: new Map(),
    moduleCalls: new Map(),
    resources: [],
    tfvars: new Map(),
  };
}

function addNamedBlocks(
  file: HclFile,
  kind: string,
  section: unknown,
  into: Map<string, Block>,
): void {
  if (!isBody(section)) return;
  for (const [name, value] of Object.entries(section)) {
    const body = firstBody(value) ?? {};
    into.set(name, {
      kind,
      type: '',
      name,
      address: `${kind}.${name}`,
      body,
      file,
      line: findLine(file.text, blockHeaderPattern(kind, name)),
    });
  }
}

function addTypedBlocks(file: HclFile, kind: string, section: unknown, into: Block[]): void {
  if (!isBody(section)) return;
  for (const [type, named] of Object.entries(section)) {
    if (!isBody(named)) continue;
    for (const [name, value] of Object.entries(named)) {
      into.push({
        kind,
        type,
        name,
        address: kind === 'resource' ? `resource.${type}.${name}` : `${kind}.${type}.${name}`,
        body: firstBody(value) ?? {},
        file,
        line: findLine(file.text, blockHeaderPattern(kind, type, name)),
      });
    }
  }
}

function addFile(dir: ModuleDir, file: HclFile): void {
  dir.files.push(file);
  const json = file.json;
  if (!json) return;
  if (file.kind === 'tfvars') {
    for (const [name, value] of Object.entries(json)) dir.tfvars.set(name, { value, file });
    return;
  }
  addNamedBlocks(file, 'variable', json['variable'], dir.variables);
  addNamedBlocks(file, 'output', json['output'], dir.outputs);
  for (const kind of ['resource', 'data', 'ephemeral'])
    addTypedBlocks(file, kind, json[kind], dir.resources);
  const locals = json['locals'];
  if (Array.isArray(locals)) {
    for (const block of locals)
      if (isBody(block)) for (const [k, v] of Object.entries(block)) dir.locals.set(k, v);
  }
  const calls = new Map<string, Block>();
  addNamedBlocks(file, 'module', json['module'], calls);
  for (const [name, block] of calls) {
    const source = typeof block.body['source'] === 'string' ? block.body['source'] : '';
    const localDir = isLocalSource(source)
      ? posix.normalize(posix.join(dir.relDir, source))
      : undefined;
    dir.moduleCalls.set(name, { ...block, source, localDir });
  }
}

/** Groups parsed files by directory and indexes their blocks. */
export function buildTree(files: HclFile[]): TfTree {
  const dirs = new Map<string, ModuleDir>();
  for (const file of files) {
    let dir = dirs.get(file.relDir);
    if (!dir) {
      dir = emptyDir(file.relDir);
      dirs.set(file.relDir, dir);
    }
    addFile(dir, file);
  }
  return { files, dirs };
}

/** Directories no other directory in the tree calls as a local module: root configurations. */
export function rootDirs(tree: TfTree): ModuleDir[] {
  const called = new Set<string>();
  for (const dir of tree.dirs.values()) {
    for (const call of dir.moduleCalls.values()) if (call.localDir) called.add(call.localDir);
  }
  return [...tree.dirs.values()].filter(
    (dir) => !called.has(dir.relDir) && dir.files.some((f) => f.kind === 'tf'),
  );
}

/** Walks a JSON value and yields every string in it with the key path that led there. */
export function* walkStrings(
  value: unknown,
  path: string[] = [],
): Generator<{ path: string[]; value: string }> {
  if (typeof value === 'string') {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (const item of value) yield* walkStrings(item, path);
  } else if (isBody(value)) {
    for (const [key, item] of Object.entries(value)) yield* walkStrings(item, [...path, key]);
  }
}
