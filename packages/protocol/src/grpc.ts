// Node-only entry: grpc-js service definitions of WebTerminal v0 (kept out of the browser entry).
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { WebTerminalServiceService } from './generated/grpc/wgtwo/webterminal/v0/web_terminal.js';
import { WebTerminalServiceNames } from './webterminal/index.js';

export {
  WebTerminalServiceService,
  WebTerminalServiceClient,
  type WebTerminalServiceServer,
} from './generated/grpc/wgtwo/webterminal/v0/web_terminal.js';

/** The same service definition under another fully-qualified name (same methods, same messages). */
export function webTerminalServiceNamed(fullName: string): ServiceDefinition<UntypedServiceImplementation> {
  const renamed: Record<string, unknown> = {};
  for (const [method, def] of Object.entries(WebTerminalServiceService)) {
    renamed[method] = {
      ...def,
      path: def.path.replace(`/${WebTerminalServiceNames.original}/`, `/${fullName}/`),
    };
  }
  return renamed as ServiceDefinition<UntypedServiceImplementation>;
}
