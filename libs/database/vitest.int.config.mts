import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'database', kind: 'integration', dir: import.meta.dirname });
