import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.ts';

const row = '6f1c1a52-8a51-4b7e-9b43-3f0f1e0c2a11';

describe('secret box (TOTP secrets at rest)', () => {
  const first = { version: 1, secret: randomBytes(32) };
  const second = { version: 2, secret: randomBytes(32) };

  it('seals with AES-256-GCM under the newest version and opens with the same row id only', () => {
    const box = createSecretBox([first]);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', row);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP', row)).not.toBe(sealed);
    expect(box.open(sealed, row)).toEqual({ plain: 'JBSWY3DPEHPK3PXP', stale: false });
    expect(() => box.open(sealed, '00000000-0000-4000-8000-000000000000')).toThrow();
    // One character of the tag changed.
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => box.open(flipped, row)).toThrow();
    expect(() => box.open('JBSWY3DPEHPK3PXP', row)).toThrow();
  });

  it('rotates: a new version seals, the old still opens (stale), an unknown version does not', () => {
    const old = createSecretBox([first]).seal('secret', row);
    const rotated = createSecretBox([first, second]);
    expect(rotated.version).toBe(2);
    expect(rotated.open(old, row)).toEqual({ plain: 'secret', stale: true });
    expect(rotated.seal('secret', row)).toMatch(/^v2\./);
    expect(() => createSecretBox([second]).open(old, row)).toThrow();
    // Another identity secret under the same version number does not open it either.
    expect(() => createSecretBox([{ version: 1, secret: randomBytes(32) }]).open(old, row)).toThrow();
  });
});
