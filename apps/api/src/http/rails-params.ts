import { ApiError } from '../common/api-error';

/** Deeper nesting than any Mastodon parameter (`poll[options][]` is two levels) is refused. */
const MAX_DEPTH = 8;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

type Params = Record<string, unknown>;

/**
 * Splits a Rails-style parameter name into its path: `poll[options][]` → `['poll', 'options', '']`,
 * where `''` means "append to a list". A name that is not well formed (`a[b`, `[x]`) is one
 * literal key, as Rack treats it.
 */
export function parameterPath(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match) return [name];
  const [, head = name, brackets = ''] = match;
  return [head, ...[...brackets.matchAll(/\[([^[\]]*)\]/g)].map(([, key = '']) => key)];
}

function conflict(name: string): ApiError {
  return ApiError.invalid(name, 'mixes a value, a list and a hash under one name');
}

function isParams(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLeaf(value);
}

/** Uploaded files and other non-plain values are leaves, never merged into. */
function isLeaf(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype !== null && prototype !== Object.prototype;
}

function newParams(): Params {
  return Object.create(null) as Params;
}

function assign(target: Params, path: string[], value: unknown, name: string): void {
  const [key, ...rest] = path;
  if (key === undefined) return;
  if (rest.length === 0) {
    if (key in target) {
      // A repeated plain key keeps the last value, as Rack does.
      if (isParams(target[key]) || Array.isArray(target[key])) throw conflict(name);
    }
    target[key] = value;
    return;
  }
  const [next, ...after] = rest;
  if (next === '') {
    const list = (target[key] ??= []) as unknown;
    if (!Array.isArray(list)) throw conflict(name);
    if (after.length === 0) {
      list.push(value);
      return;
    }
    // `a[][name]=x&a[][value]=y&a[][name]=z`: a key already set on the last element opens a new one.
    const last: unknown = list.at(-1);
    const element = isParams(last) && !hasPath(last, after) ? last : newParams();
    if (element !== last) list.push(element);
    assign(element, after, value, name);
    return;
  }
  const child = (target[key] ??= newParams()) as unknown;
  if (!isParams(child)) throw conflict(name);
  assign(child, rest, value, name);
}

function hasPath(params: Params, path: string[]): boolean {
  const [key, ...rest] = path;
  if (key === undefined || !(key in params)) return false;
  const child = params[key];
  return rest.length === 0 || rest[0] === '' || !isParams(child) ? true : hasPath(child, rest);
}

/**
 * A hash whose keys are all indexes (`fields_attributes[0][name]`) becomes a list in index order,
 * so one schema accepts it and the JSON array clients send for the same field.
 */
function indexedHashesToLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(indexedHashesToLists);
  if (!isParams(value)) return value;
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.every((key) => /^\d{1,4}$/.test(key))) {
    return keys
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => indexedHashesToLists(value[key]));
  }
  const result = newParams();
  for (const key of keys) result[key] = indexedHashesToLists(value[key]);
  return result;
}

/**
 * Builds the nested parameters Rails (and so Mastodon) reads from flat form fields:
 * `media_ids[]=1&media_ids[]=2` → `{ media_ids: ['1', '2'] }`,
 * `fields_attributes[0][name]=x` → `{ fields_attributes: [{ name: 'x' }] }`,
 * `poll[options][]=a` → `{ poll: { options: ['a'] } }`. Conflicting shapes are a 422 naming the
 * field; `__proto__`-style segments and absurd nesting are refused.
 */
export function nestParameters(entries: Iterable<readonly [string, unknown]>): Params {
  const params = newParams();
  for (const [name, value] of entries) {
    const path = parameterPath(name);
    if (path.length > MAX_DEPTH) throw ApiError.invalid(name, 'is nested too deeply');
    if (path.some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
      throw ApiError.invalid(name, 'is not an accepted parameter name');
    }
    assign(params, path, value, name);
  }
  return indexedHashesToLists(params) as Params;
}
