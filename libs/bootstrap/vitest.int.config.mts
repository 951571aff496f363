import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'bootstrap', kind: 'integration', dir: import.meta.dirname });
