import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'federation-adapters', kind: 'unit', dir: import.meta.dirname });
