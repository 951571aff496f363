import { Module } from '@nestjs/common';
import { ClientStartupController } from './client-startup.controller';
import { DefaultImagesController } from './default-images.controller';
import { InstanceController } from './instance.controller';
import { MarkersController } from './markers.controller';

/** What clients ask about the server before anything else: instance, start-up calls, markers. */
@Module({
  controllers: [
    InstanceController,
    ClientStartupController,
    MarkersController,
    DefaultImagesController,
  ],
})
export class InstanceModule {}
