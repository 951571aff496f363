import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'bootstrap', kind: 'unit', dir: import.meta.dirname });
