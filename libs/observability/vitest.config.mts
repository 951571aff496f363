import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'observability', kind: 'unit', dir: import.meta.dirname });
