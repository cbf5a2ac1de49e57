// The packages users install from npm, checked as users get them: `npm pack` of the built packages (the root
// test command builds first), one install of every tarball into a throwaway project outside the repository,
// then every entry point imported there and the SDK bundled for the browser. Nothing here builds.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What users install; every other workspace stays private. */
const publishable = [
  '@parley/auth',
  '@parley/cli',
  '@parley/db',
  '@parley/desk',
  '@parley/event-bus',
  '@parley/logger',
  '@parley/outbox',
  '@parley/protocol',
  '@parley/sdk',
  '@parley/server-sdk',
  '@parley/service-kit',
];

/** Node-only packages a browser user of these must never be made to install. */
const browserPackages = ['@parley/protocol', '@parley/sdk'];
const nodeOnlyPackages = ['ws', '@grpc/grpc-js', 'ioredis', 'pg', 'bullmq', 'pino'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: { type: string; url: string; directory?: string };
  homepage?: string;
  publishConfig?: { access?: string };
  sideEffects?: boolean | string[];
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const workspaces = new Map<string, { dir: string; manifest: Manifest }>();
for (const entry of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', entry, 'package.json');
  if (!existsSync(file)) continue;
  const manifest = readJson<Manifest>(file);
  workspaces.set(manifest.name, { dir: join(root, 'packages', entry), manifest });
}
const manifestOf = (name: string): Manifest => workspaces.get(name)!.manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Subpaths of the exports map, e.g. '.', './node' (package.json itself is not an entry point). */
function entryPoints(manifest: Manifest): string[] {
  return Object.keys(manifest.exports ?? { '.': '' }).filter((key) => key !== './package.json');
}

const specifierOf = (name: string, subpath: string) =>
  subpath === '.' ? name : `${name}${subpath.slice(1)}`;

let work: string;
let project: string;
const packed = new Map<string, PackResult>();
const installedDir = (name: string) => join(project, 'node_modules', name);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'parley-packages-'));
  const tarballs = join(work, 'tarballs');
  project = join(work, 'consumer');
  mkdirSync(tarballs);
  mkdirSync(project);

  const output = execFileSync(
    'npm',
    ['pack', '--json', '--pack-destination', tarballs, ...publishable.flatMap((name) => ['-w', name])],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const result of JSON.parse(output) as PackResult[]) packed.set(result.name, result);

  // The optional peers are installed too, so that the Node-only entries can be imported; the versions the
  // repository is locked to are in the npm cache already.
  const lockedVersion = (name: string) =>
    readJson<Manifest>(join(root, 'node_modules', name, 'package.json')).version;
  const dependencies: Record<string, string> = {
    ws: lockedVersion('ws'),
    '@grpc/grpc-js': lockedVersion('@grpc/grpc-js'),
  };
  for (const [name, result] of packed) dependencies[name] = `file:${join(tarballs, result.filename)}`;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      { name: 'parley-consumer', version: '1.0.0', private: true, type: 'module', dependencies },
      null,
      2,
    ),
  );
  const install = (mode: string) =>
    execFileSync(
      'npm',
      ['install', mode, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  try {
    install('--offline');
  } catch {
    install('--prefer-offline'); // a package the cache lacks comes from the registry
  }
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published packages', () => {
  it('are exactly the libraries users install, each public, Apache-2.0, with its repository', () => {
    const published = [...workspaces.values()].filter((w) => !w.manifest.private).map((w) => w.manifest.name);
    expect(published.sort()).toEqual(publishable);
    for (const name of publishable) {
      const manifest = manifestOf(name);
      expect(manifest.license, name).toBe('Apache-2.0');
      expect(manifest.publishConfig?.access, name).toBe('public');
      expect(manifest.repository?.directory, name).toBe(relative(root, workspaces.get(name)!.dir));
      expect(manifest.homepage, name).toBeTruthy();
      expect(manifest.sideEffects, name).toBeDefined();
      // `npm publish` drops a bin whose path it has to correct (e.g. a leading './').
      for (const bin of Object.values(manifest.bin ?? {}))
        expect(bin, `${name} bin`).toMatch(/^(?!\.\/)[\w/.-]+$/);
    }
  });

  it('depend on each other with ranges npm accepts from the registry, matching the versions in the repository', () => {
    for (const { manifest } of workspaces.values()) {
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
        for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
          if (!workspaces.has(dependency)) continue;
          expect(`${manifest.name} ${field} ${dependency}@${range}`).toBe(
            `${manifest.name} ${field} ${dependency}@^${manifestOf(dependency).version}`,
          );
        }
      }
    }
  });

  it('depend at run time only on published packages', () => {
    for (const name of publishable) {
      for (const field of ['dependencies', 'peerDependencies'] as const) {
        for (const dependency of Object.keys(manifestOf(name)[field] ?? {})) {
          if (workspaces.has(dependency))
            expect(publishable, `${name} → ${dependency}`).toContain(dependency);
        }
      }
    }
  });

  it('never make a browser user of the protocol or the SDK install a Node-only package', () => {
    const installed = (name: string) => readJson<Manifest>(join(installedDir(name), 'package.json'));
    for (const start of browserPackages) {
      const seen = new Set<string>();
      const queue = [start];
      while (queue.length > 0) {
        const name = queue.pop()!;
        if (seen.has(name)) continue;
        seen.add(name);
        const manifest = installed(name);
        const optional = manifest.peerDependenciesMeta ?? {};
        const required = [
          ...Object.keys(manifest.dependencies ?? {}),
          ...Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional),
        ];
        // Only the @parley closure is walked: third-party packages are judged by name.
        for (const dependency of required) {
          expect(nodeOnlyPackages, `${start} requires ${dependency} (through ${name})`).not.toContain(
            dependency,
          );
          if (dependency.startsWith('@parley/')) queue.push(dependency);
        }
      }
    }
  });
});

describe('each tarball', () => {
  it('holds its LICENSE, README, package.json and every exported file, and no sources, tests or declaration maps', () => {
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    for (const name of publishable) {
      const files = packed.get(name)!.files.map((f) => f.path);
      for (const required of ['LICENSE', 'README.md', 'package.json'])
        expect(files, name).toContain(required);
      expect(readFileSync(join(installedDir(name), 'LICENSE'), 'utf8'), `${name} LICENSE`).toBe(license);
      expect(
        files.filter(
          (f) => f.startsWith('src/') || /\.(spec|test)\.[cm]?[jt]s$/.test(f) || f.endsWith('.d.ts.map'),
        ),
        name,
      ).toEqual([]);
      const manifest = manifestOf(name);
      for (const subpath of entryPoints(manifest)) {
        const target = manifest.exports![subpath]!;
        const conditions = typeof target === 'string' ? { default: target } : target;
        expect(Object.keys(conditions)[0], `${name} ${subpath}: types come first`).toBe('types');
        expect(conditions.types, `${name} ${subpath}`).toMatch(/\.d\.ts$/);
        for (const file of Object.values(conditions))
          expect(files, `${name} ${subpath}`).toContain(file.replace(/^\.\//, ''));
      }
      for (const bin of Object.values(manifest.bin ?? {}))
        expect(files, `${name} bin`).toContain(bin.replace(/^\.\//, ''));
    }
  });

  it('ships source maps that carry their TypeScript sources', () => {
    for (const name of publishable) {
      const maps = filesUnder(join(installedDir(name), 'dist')).filter((f) => f.endsWith('.map'));
      expect(maps.length, name).toBeGreaterThan(0);
      for (const file of maps) {
        const map = readJson<{ sources: string[]; sourcesContent?: (string | null)[] }>(file);
        const where = relative(project, file);
        expect(map.sourcesContent?.length, where).toBe(map.sources.length);
        for (const content of map.sourcesContent!) expect(content, where).toBeTruthy();
      }
    }
  });

  it('has no top-level side effect in a module that sideEffects does not name', () => {
    for (const name of publishable) {
      const { sideEffects } = manifestOf(name);
      const named = new Set(Array.isArray(sideEffects) ? sideEffects.map((f) => f.replace(/^\.\//, '')) : []);
      if (sideEffects === true) continue;
      const dir = installedDir(name);
      const bareImports = filesUnder(join(dir, 'dist'))
        .filter((f) => f.endsWith('.js') && /^import\s*['"]/m.test(readFileSync(f, 'utf8')))
        .map((f) => relative(dir, f));
      expect(
        bareImports.filter((f) => !named.has(f)),
        name,
      ).toEqual([]);
    }
  });
});

describe('in a project that installed the tarballs', () => {
  it('every entry point of every package imports in Node (and require()s where CommonJS is offered)', () => {
    const imports: string[] = [];
    const requires: string[] = [];
    for (const name of publishable) {
      const manifest = manifestOf(name);
      for (const subpath of entryPoints(manifest)) {
        imports.push(specifierOf(name, subpath));
        const target = manifest.exports?.[subpath];
        if (typeof target === 'object' && 'require' in target) requires.push(specifierOf(name, subpath));
      }
    }
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = {};
      for (const specifier of ${JSON.stringify(imports)}) loaded[specifier] = Object.keys(await import(specifier)).length;
      for (const specifier of ${JSON.stringify(requires)}) loaded['require ' + specifier] = Object.keys(require(specifier)).length;
      process.stdout.write(JSON.stringify(loaded));
    `;
    writeFileSync(join(project, 'import-all.mjs'), script);
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['import-all.mjs'], { cwd: project, encoding: 'utf8' }),
    ) as Record<string, number>;
    expect(Object.keys(loaded).sort()).toEqual([...imports, ...requires.map((s) => `require ${s}`)].sort());
    for (const [specifier, exportCount] of Object.entries(loaded))
      expect(exportCount, specifier).toBeGreaterThan(0);
  });

  it('the parley command runs from the installed @parley/cli', () => {
    const help = execFileSync(join(project, 'node_modules', '.bin', 'parley'), ['--help'], {
      encoding: 'utf8',
    });
    expect(help).toContain('Usage: parley');
  });

  it('the SDK bundles for the browser without any Node built-in or Node-only package', async () => {
    const nodeOnly = new Set([...builtinModules, ...nodeOnlyPackages]);
    const leaked: string[] = [];
    const refuseNodeOnly: Plugin = {
      name: 'refuse-node-only',
      setup(bundle) {
        bundle.onResolve({ filter: /.*/ }, (args) => {
          const bare = args.path.replace(/^node:/, '');
          const packageName = bare.startsWith('@')
            ? bare.split('/').slice(0, 2).join('/')
            : bare.split('/')[0]!;
          if (args.path.startsWith('node:') || nodeOnly.has(bare) || nodeOnly.has(packageName)) {
            leaked.push(`${args.path} (imported by ${relative(project, args.importer)})`);
            return { path: args.path, external: true };
          }
          return undefined;
        });
      },
    };
    const sizes: Record<string, { minified: number; gzip: number }> = {};
    for (const name of browserPackages) {
      const result = await build({
        stdin: { contents: `export * from '${name}';`, resolveDir: project, loader: 'js' },
        absWorkingDir: project,
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        minify: true,
        write: false,
        logLevel: 'silent',
        plugins: [refuseNodeOnly],
      });
      const code = result.outputFiles[0]!.contents;
      sizes[name] = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }
    expect(leaked).toEqual([]);
    const kB = (bytes: number) => (bytes / 1024).toFixed(1);
    for (const [name, size] of Object.entries(sizes)) {
      const label = name === '@parley/sdk' ? 'sdk' : name.replace('@parley/', '');
      console.log(`${label} browser bundle: ${kB(size.gzip)} kB gzip (${kB(size.minified)} kB minified)`);
    }
    expect(sizes['@parley/sdk']!.gzip).toBeGreaterThan(0);
  });
});
