import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({
  name: 'testing-fixtures',
  kind: 'integration',
  dir: import.meta.dirname,
});
