import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'federation', kind: 'unit', dir: import.meta.dirname });
