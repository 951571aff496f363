import { defineSuite } from '../vitest.preset.mts';

// Operator tools against real servers they start themselves (tools/replication: two private
// PostgreSQL clusters; tools/dr: the drills' clusters and the built services); 60 s per test for
// initdb and server start.
export default defineSuite({
  name: 'tools',
  kind: 'integration',
  dir: import.meta.dirname,
  testTimeout: 60_000,
});
