/**
 * The public origin of the FediFlow instance in in-process suites. `.test` is reserved (RFC 6761),
 * so it never resolves: requests to it reach the service under test only through
 * `federation.fetch` or the in-process app.
 */
export const TEST_ORIGIN = 'https://fediflow.test';
