import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'workers', kind: 'unit', dir: import.meta.dirname });
