import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';

/** Makes the configuration validated in `main.ts` injectable everywhere; it is never re-read. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: CommonConfig & { readonly service: ServiceName }): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
