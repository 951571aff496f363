import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'api', kind: 'unit', dir: import.meta.dirname });
