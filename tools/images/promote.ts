/**
 * Records released images in an overlay: for each service the image workflow published at a
 * commit, `images[].newTag` becomes the commit and `images[].digest` the digest it pushed, so the
 * overlay pins exactly what was scanned, smoke-tested and signed. Comments and order survive.
 */
import { parseDocument } from 'yaml';

export interface ReleasedImage {
  readonly service: string;
  readonly sha: string;
  readonly digest: string;
}

const SHA = /^[0-9a-f]{40}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export class PromotionError extends Error {}

/** Checks one digest record as the image workflow writes it (digest-<service>.json). */
export function parseReleased(text: string, services: readonly string[]): ReleasedImage {
  let record: Partial<ReleasedImage>;
  try {
    record = JSON.parse(text) as Partial<ReleasedImage>;
  } catch {
    throw new PromotionError('a digest record is not JSON');
  }
  const { service, sha, digest } = record;
  if (!service || !services.includes(service))
    throw new PromotionError(`unknown service ${String(service)}`);
  if (!sha || !SHA.test(sha))
    throw new PromotionError(`${service}: ${String(sha)} is not a full commit SHA`);
  if (!digest || !DIGEST.test(digest) || /^sha256:(.)\1{63}$/.test(digest))
    throw new PromotionError(`${service}: ${String(digest)} is not a real sha256 digest`);
  return { service, sha, digest };
}

/** The kustomization text with each released image's tag and digest set; returns what changed. */
export function promote(
  kustomization: string,
  registry: string,
  released: readonly ReleasedImage[],
): { text: string; changed: string[] } {
  const doc = parseDocument(kustomization);
  if (doc.errors.length) throw new PromotionError(doc.errors[0]!.message);
  const images = (doc.toJS() as { images?: Array<{ name: string }> }).images ?? [];
  const changed: string[] = [];
  for (const image of released) {
    const name = `${registry}/${image.service}`;
    const index = images.findIndex((entry) => entry.name === name);
    if (index < 0) throw new PromotionError(`the overlay has no images entry for ${name}`);
    const before = `${doc.getIn(['images', index, 'newTag']) ?? ''}@${doc.getIn(['images', index, 'digest']) ?? ''}`;
    doc.setIn(['images', index, 'newTag'], image.sha);
    doc.setIn(['images', index, 'digest'], image.digest);
    if (before !== `${image.sha}@${image.digest}`)
      changed.push(`${name}:${image.sha}@${image.digest}`);
  }
  return { text: doc.toString(), changed };
}
