import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({
  name: 'federation-adapters',
  kind: 'integration',
  dir: import.meta.dirname,
});
