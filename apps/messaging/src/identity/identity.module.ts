import { Module } from '@nestjs/common';
import { IdentityController } from './identity.controller.js';
import { IdentityService } from './identity.service.js';
import { OAuthClientsRepository, RefreshTokensRepository, UsersRepository } from './users.repository.js';

@Module({
  controllers: [IdentityController],
  providers: [UsersRepository, OAuthClientsRepository, RefreshTokensRepository, IdentityService],
  exports: [IdentityService],
})
export class IdentityModule {}
