import { launchService } from '@fediflow/bootstrap/launch';

launchService('api', async () => {
  const [{ ApiModule }, { configureApiHttp }] = await Promise.all([
    import('./app/api.module'),
    import('./http/configure-http'),
  ]);
  return { imports: [ApiModule], configure: configureApiHttp };
});
