import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'federation', kind: 'integration', dir: import.meta.dirname });
