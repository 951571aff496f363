import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { SERVICES } from './docker-build.ts';
import { PromotionError, parseReleased, promote } from './promote.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const production = readFileSync(
  path.join(repoRoot, 'deploy/overlays/production/kustomization.yaml'),
  'utf8',
);
const sha = 'ca1e41a31ec739f6b49292bdeb7bdd262e30bfd9';
const digest = `sha256:${'ab12'.repeat(16)}`;

describe('promote', () => {
  it("sets the released service's tag and digest and leaves the others and the comments alone", () => {
    const { text, changed } = promote(production, 'ghcr.io/fediflow', [
      { service: 'api', sha, digest },
    ]);
    const images = (parseDocument(text).toJS() as { images: Array<Record<string, string>> }).images;
    expect(images.find((image) => image.name === 'ghcr.io/fediflow/api')).toEqual({
      name: 'ghcr.io/fediflow/api',
      newTag: sha,
      digest,
    });
    expect(images.find((image) => image.name === 'ghcr.io/fediflow/workers')).not.toHaveProperty(
      'digest',
    );
    expect(text).toContain('# Images are a commit the image workflow built');
    expect(changed).toEqual([`ghcr.io/fediflow/api:${sha}@${digest}`]);
    expect(promote(text, 'ghcr.io/fediflow', [{ service: 'api', sha, digest }]).changed).toEqual(
      [],
    );
  });

  it('rejects records that are not what the image workflow writes', () => {
    expect(() => parseReleased('{', SERVICES)).toThrow(PromotionError);
    expect(() =>
      parseReleased(JSON.stringify({ service: 'gateway', sha, digest }), SERVICES),
    ).toThrow(/unknown service/);
    expect(() =>
      parseReleased(JSON.stringify({ service: 'api', sha: 'main', digest }), SERVICES),
    ).toThrow(/full commit SHA/);
    expect(() =>
      parseReleased(
        JSON.stringify({ service: 'api', sha, digest: `sha256:${'0'.repeat(64)}` }),
        SERVICES,
      ),
    ).toThrow(/real sha256/);
    expect(parseReleased(JSON.stringify({ service: 'api', sha, digest }), SERVICES)).toEqual({
      service: 'api',
      sha,
      digest,
    });
  });

  it('refuses an overlay without an entry for the image', () => {
    expect(() =>
      promote('images: []\n', 'ghcr.io/fediflow', [{ service: 'api', sha, digest }]),
    ).toThrow(/no images entry/);
  });
});
