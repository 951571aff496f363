import { defineSuite } from '../vitest.preset.mts';

export default defineSuite({ name: 'tools', kind: 'unit', dir: import.meta.dirname });
