export const chromiumExecutablePath: string;
export const chromiumArgs: readonly string[];
export function chromiumLaunchOptions(extraArgs?: string[]): { executablePath: string; args: string[] };
