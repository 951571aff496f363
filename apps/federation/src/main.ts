import { launchService } from '@fediflow/bootstrap/launch';

launchService('federation', async () => {
  const [{ FederationModule, FederationStatusCheck }, { configureFederationHttp }] =
    await Promise.all([import('./app/federation.module'), import('./http/federation-http')]);
  return {
    imports: [FederationModule],
    readinessChecks: [FederationStatusCheck],
    configure: configureFederationHttp,
  };
});
