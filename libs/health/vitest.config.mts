import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'health', kind: 'unit', dir: import.meta.dirname });
