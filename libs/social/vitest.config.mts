import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'social', kind: 'unit', dir: import.meta.dirname });
