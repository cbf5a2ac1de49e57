import { z } from 'zod';

/** A wrong or missing environment variable; the message names each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A part of a service's configuration: the environment variables it reads (a zod shape) and how they
 * become the typed, nested object the service uses. The config type is inferred from `read`, which is
 * typed by the shape: there is no second, hand-written copy of it.
 */
export interface ConfigSection<S extends z.ZodRawShape, R> {
  shape: S;
  read: (env: z.output<z.ZodObject<S>>) => R;
}

export function section<S extends z.ZodRawShape, R>(
  shape: S,
  read: (env: z.output<z.ZodObject<S>>) => R,
): ConfigSection<S, R> {
  return { shape, read };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any section; each keeps its own types
type AnySection = ConfigSection<any, unknown>;
type Sections = Record<string, AnySection>;

/** The nested config object a set of sections produces. */
export type ConfigOf<S extends Sections> = {
  readonly [K in keyof S]: S[K] extends ConfigSection<infer _Shape, infer R> ? R : never;
};

export interface ServiceConfigDefinition<S extends Sections> {
  service: string;
  /** Parses the environment once; throws a ConfigError naming every bad variable. */
  load(env?: Record<string, string | undefined>): ConfigOf<S>;
  /** Every environment variable the service reads, sorted (for .env.example and docs). */
  variables(): string[];
}

export function defineConfig<S extends Sections>(service: string, sections: S): ServiceConfigDefinition<S> {
  const shape: z.ZodRawShape = {};
  for (const s of Object.values(sections)) Object.assign(shape, s.shape);
  const schema = z.object(shape);
  return {
    service,
    variables: () => Object.keys(shape).sort(),
    load(env = process.env) {
      // Empty strings count as unset: `FOO=` in an env file means "use the default".
      const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
      const parsed = schema.safeParse(present);
      if (!parsed.success) {
        const lines = parsed.error.issues.map(
          (i) => `  ${i.path.map(String).join('.') || '(environment)'}: ${i.message}`,
        );
        throw new ConfigError(`Invalid ${service} configuration:\n${lines.join('\n')}`);
      }
      const config: Record<string, unknown> = {};
      for (const [key, s] of Object.entries(sections)) config[key] = s.read(parsed.data);
      return config as ConfigOf<S>;
    },
  };
}

/** A JSON document in one variable, parsed and checked by `schema`; errors name the variable. */
export function jsonVariable<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
