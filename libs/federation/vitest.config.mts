import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'federation-core', kind: 'unit', dir: import.meta.dirname });
