import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'testing', kind: 'unit', dir: import.meta.dirname });
