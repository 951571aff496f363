import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'social', kind: 'integration', dir: import.meta.dirname });
