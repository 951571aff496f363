import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'redis', kind: 'unit', dir: import.meta.dirname });
