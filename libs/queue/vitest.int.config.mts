import { defineSuite } from '../../tools/vitest-preset.mts';

export default defineSuite({ name: 'queue', kind: 'integration', dir: import.meta.dirname });
