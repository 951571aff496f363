import { defineSuite } from '../../tools/vitest-preset.mts';

export default defineSuite({ name: 'federation', kind: 'integration', dir: import.meta.dirname });
