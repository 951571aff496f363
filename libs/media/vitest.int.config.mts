import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'media', kind: 'integration', dir: import.meta.dirname });
