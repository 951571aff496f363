import { describe, expect, it } from 'vitest';
import { bundle } from './bundle';
import { LAMBDA_FUNCTIONS, RUNTIME_PROVIDED } from './functions';

describe('lambda bundle', () => {
  it('leaves the SDK clients the Lambda runtime provides out of the restoreValidation zip', async () => {
    const fn = LAMBDA_FUNCTIONS.find((candidate) => candidate.name === 'restoreValidation');
    const { code, metafile } = await bundle(fn!);
    const inputs = Object.keys(metafile.inputs);
    for (const name of RUNTIME_PROVIDED) {
      expect(inputs.filter((input) => input.includes(`node_modules/${name}/`))).toEqual([]);
      expect(code.toString()).toContain(`require("${name}")`);
    }
    // The checks are the shared ones of libs/database, bundled in.
    expect(inputs).toContainEqual(
      expect.stringMatching(/libs\/database\/src\/backup-verification\/integrity-checks\.ts$/),
    );
  });
});
