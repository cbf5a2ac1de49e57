import { Module, type DynamicModule } from '@nestjs/common';
import { TokenVerifier } from '../tokens/verifier.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { TOKEN_VERIFIER } from './tokens.js';
import { WsAuthGuard } from './ws-auth.guard.js';

/**
 * Global module that makes the app's TokenVerifier and both guards injectable everywhere. It does
 * not install a guard itself; the app chooses, typically
 * `{ provide: APP_GUARD, useExisting: JwtAuthGuard }`.
 */
@Module({})
export class AuthModule {
  static forRoot(verifier: TokenVerifier): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: TOKEN_VERIFIER, useValue: verifier }, JwtAuthGuard, WsAuthGuard],
      exports: [TOKEN_VERIFIER, JwtAuthGuard, WsAuthGuard],
    };
  }
}
