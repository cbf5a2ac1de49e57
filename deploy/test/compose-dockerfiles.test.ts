// The Dockerfile and the stand-in Containerfiles: valid instructions (dockerfile-utils, the validator of
// editors' Dockerfile support; hadolint ships no npm package), and the rules of hadolint's that matter here,
// read from the parsed instructions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/services.mjs';

const files = [
  'Dockerfile',
  ...readdirSync(join(root, 'deploy/compose/standins'))
    .filter((f) => f.endsWith('.Containerfile'))
    .map((f) => `deploy/compose/standins/${f}`),
];

function instructions(file: string) {
  return DockerfileParser.parse(readFileSync(join(root, file), 'utf8'))
    .getInstructions()
    .map((i) => ({ keyword: i.getKeyword(), args: i.getArgumentsContent() ?? '' }));
}

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(root, file), 'utf8');

  it('has no errors or warnings', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('installs Debian packages without recommends and leaves no package lists behind', () => {
    for (const run of instructions(file).filter(
      (i) => i.keyword === 'RUN' && i.args.includes('apt-get install'),
    )) {
      expect(run.args).toContain('--no-install-recommends');
      expect(run.args).toMatch(/-y\b/);
      expect(run.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  it('pins what it installs from npm', () => {
    for (const run of instructions(file).filter((i) => i.keyword === 'RUN')) {
      for (const [, list] of run.args.matchAll(/npm (?:install|i) ([^&|;]*)/g)) {
        const packages = list!.split(/\s+/).filter((word) => word && !word.startsWith('-'));
        expect(packages.length).toBeGreaterThan(0);
        for (const pkg of packages) expect(pkg).toMatch(/^(@[^/]+\/)?[^@]+@\d/);
      }
    }
  });
});

describe('the validation', () => {
  it('reports a broken Dockerfile', () => {
    expect(validate('FROM node:20\nRUNN echo hi\nEXPOSE port\n').length).toBeGreaterThan(0);
  });
});

describe('Dockerfile', () => {
  const all = instructions('Dockerfile');
  const finalStage = all.slice(all.map((i) => i.keyword).lastIndexOf('FROM'));

  it('runs the service as the unprivileged node user, with a health check and no shell wrapper', () => {
    expect(finalStage.filter((i) => i.keyword === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(finalStage.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('--healthcheck');
    expect(finalStage.find((i) => i.keyword === 'CMD')?.args).toMatch(/^\[/);
  });

  it('uses APP only in the last layers, so the five images share all the others', () => {
    const firstUse = all.findIndex((i) => i.keyword === 'ARG' && i.args === 'APP');
    expect(firstUse).toBeGreaterThan(all.findIndex((i) => i.keyword === 'COPY' && i.args.includes('/repo')));
    expect(all.slice(0, firstUse).some((i) => i.args.includes('${APP}'))).toBe(false);
  });

  it('starts from a Node 20 image (the engines of every workspace)', () => {
    expect(all[0]).toEqual({ keyword: 'ARG', args: 'NODE_IMAGE=node:20-bookworm-slim' });
  });
});
