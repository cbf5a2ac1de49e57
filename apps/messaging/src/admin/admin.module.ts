import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AdminClientsController } from './admin-clients.controller.js';

@Module({
  imports: [IdentityModule],
  controllers: [AdminClientsController],
})
export class AdminModule {}
