import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'database', kind: 'unit', dir: import.meta.dirname });
