import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'health', kind: 'integration', dir: import.meta.dirname });
