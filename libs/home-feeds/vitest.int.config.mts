import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'home-feeds', kind: 'integration', dir: import.meta.dirname });
