export interface ServicePort {
  name: string;
  env: string;
  override: string;
  default: number;
}
export interface ServiceEntry {
  name: string;
  workspace: string;
  dir: string;
  entry: string;
  ports: ServicePort[];
  health: { port: string; path: string };
  dependsOn?: string[];
  env?: Record<string, string>;
  describe: string;
}
export const root: string;
export const manifest: { services: ServiceEntry[] };
export function resolvePorts(overrides?: Record<string, string | number | undefined>): Record<string, number>;
export function fill(
  template: string,
  ports: Record<string, number>,
  dirs: { root: string; data: string },
): string;
export function serviceEnv(
  service: ServiceEntry,
  ports: Record<string, number>,
  dirs?: { root: string; data: string },
): { ports: Record<string, string>; defaults: Record<string, string> };
export function healthUrl(service: ServiceEntry, ports: Record<string, number>): string;
