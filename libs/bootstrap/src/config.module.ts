import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { CommonConfig, ServiceName } from './env-schema';

/** Injection token for the validated configuration: `@Inject(APP_CONFIG) config: ApiConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

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
