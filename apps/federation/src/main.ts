import { launchService } from '@fediflow/bootstrap/launch';

launchService('federation', async () => {
  const [{ FederationModule, FEDERATION_READINESS_CHECKS }, { configureFederationHttp }] =
    await Promise.all([import('./app/federation.module'), import('./http/federation-http')]);
  return {
    imports: [FederationModule],
    readinessChecks: FEDERATION_READINESS_CHECKS,
    configure: configureFederationHttp,
  };
});
