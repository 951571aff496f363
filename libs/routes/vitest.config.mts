import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'routes', kind: 'unit', dir: import.meta.dirname });
