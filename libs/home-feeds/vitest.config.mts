import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'home-feeds', kind: 'unit', dir: import.meta.dirname });
