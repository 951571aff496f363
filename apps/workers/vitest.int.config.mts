import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'workers', kind: 'integration', dir: import.meta.dirname });
