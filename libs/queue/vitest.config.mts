import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'queue', kind: 'unit', dir: import.meta.dirname });
