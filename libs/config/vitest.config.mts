import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'config', kind: 'unit', dir: import.meta.dirname });
