import { launchService } from '@fediflow/bootstrap/launch';

launchService('workers', async () => {
  const { WorkersModule, QueueConsumersCheck } = await import('./app/workers.module');
  return { imports: [WorkersModule], readinessChecks: [QueueConsumersCheck] };
});
