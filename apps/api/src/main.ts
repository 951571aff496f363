import { launchService } from '@fediflow/bootstrap/launch';

launchService('api', async () => {
  const [{ ApiModule }, { configureApiHttp }, { StreamingCheck }] = await Promise.all([
    import('./app/api.module'),
    import('./http/configure-http'),
    import('./streaming/streaming.check'),
  ]);
  return { imports: [ApiModule], configure: configureApiHttp, readinessChecks: [StreamingCheck] };
});
