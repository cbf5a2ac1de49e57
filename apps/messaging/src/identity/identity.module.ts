import { Module } from '@nestjs/common';
import { IdentityController } from './identity.controller.js';
import { IdentityService } from './identity.service.js';
import { UserDirectoryRepository } from './user-directory.repository.js';
import { UserDirectoryService } from './user-directory.service.js';
import { MachineClientsService } from './machine-clients.service.js';
import {
  ClientBotsRepository,
  OAuthClientsRepository,
  RefreshTokensRepository,
  UsersRepository,
} from './users.repository.js';

@Module({
  controllers: [IdentityController],
  providers: [
    UsersRepository,
    OAuthClientsRepository,
    ClientBotsRepository,
    MachineClientsService,
    RefreshTokensRepository,
    IdentityService,
    UserDirectoryRepository,
    UserDirectoryService,
  ],
  exports: [IdentityService, UserDirectoryService, MachineClientsService],
})
export class IdentityModule {}
