import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '@fediflow/config';
import { MediaStorage } from './media-storage';
import { createMediaStorage, type MediaStorageConfig } from './media-storage.factory';

/** `MediaStorage` for a Nest service whose configuration has the media settings. */
@Global()
@Module({
  providers: [
    {
      provide: MediaStorage,
      inject: [APP_CONFIG],
      useFactory: (config: MediaStorageConfig) => createMediaStorage(config),
    },
  ],
  exports: [MediaStorage],
})
export class MediaModule {}
