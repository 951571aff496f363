import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'queue', kind: 'integration', dir: import.meta.dirname });
