export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string> | string[];
  user?: string;
  volumes?: Array<string | { source: string; target: string; read_only?: boolean }>;
  ports?: Array<string | number>;
  healthcheck?: { test?: string | string[]; interval?: string; disable?: boolean };
  depends_on?: string[] | Record<string, { condition: string }>;
  restart?: string;
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
  deploy?: {
    resources?: {
      limits?: { cpus?: string | number; memory?: string };
      reservations?: { cpus?: string | number; memory?: string };
    };
  };
  [key: string]: unknown;
}
export interface ComposeModel {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}
export const repoRoot: string;
export const composePath: string;
export function readComposeDocument(path?: string): ComposeModel;
export function interpolate(text: string, env: Record<string, string | undefined>): string;
export function loadCompose(
  env: Record<string, string | undefined>,
  options?: { profiles?: string[]; path?: string },
): ComposeModel;
