import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'local', kind: 'e2e', dir: import.meta.dirname });
