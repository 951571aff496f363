import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'media', kind: 'unit', dir: import.meta.dirname });
