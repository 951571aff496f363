import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'redis', kind: 'integration', dir: import.meta.dirname });
