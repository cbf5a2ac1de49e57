// The service manifest every deployment file is checked against: one entry per service, each with a port.
import { describe, expect, it } from 'vitest';
import { manifest } from '../../scripts/lib/services.mjs';

describe('services.json', () => {
  it('names every service once, each with at least one port', () => {
    const names = manifest.services.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const service of manifest.services) expect(service.ports.length).toBeGreaterThan(0);
  });
});
