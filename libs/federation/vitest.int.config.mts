import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({
  name: 'federation-core',
  kind: 'integration',
  dir: import.meta.dirname,
});
