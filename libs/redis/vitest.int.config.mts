import { defineSuite } from '../../tools/vitest-preset.mts';

export default defineSuite({ name: 'redis', kind: 'integration', dir: import.meta.dirname });
