import { defineSuite } from '../../tools/vitest-preset.mts';

export default defineSuite({ name: 'workers', kind: 'integration', dir: import.meta.dirname });
