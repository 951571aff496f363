import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'platform', kind: 'e2e', dir: import.meta.dirname });
