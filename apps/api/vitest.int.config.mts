import { defineSuite } from '../../vitest.preset.mts';

export default defineSuite({ name: 'api', kind: 'integration', dir: import.meta.dirname });
