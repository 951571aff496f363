import { defineSuite } from '../../tools/vitest-preset.mts';

export default defineSuite({ name: 'federation', kind: 'unit', dir: import.meta.dirname });
