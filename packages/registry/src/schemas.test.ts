import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BirthRegistration, correctableFields, ParentageRegistration } from './schemas.ts';

/** Every module `schemas.ts` reaches, with what each imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map(
      (match) => match[1]!,
    );
    graph.set(file, specifiers);
    for (const specifier of specifiers)
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
  };
  visit(entry);
  return graph;
}

describe('browser-safe schemas (@dinhdanh/registry/schemas)', () => {
  it('reach only zod and schema files', () => {
    const graph = importGraph(path.join(import.meta.dirname, 'schemas.ts'));
    const files = [...graph.keys()].map((file) => path.relative(import.meta.dirname, file));
    expect(files).toContain('events/civil-events.schema.ts');
    expect(files.filter((file) => file !== 'schemas.ts' && !file.endsWith('.schema.ts'))).toEqual([]);
    const packages = [...graph.values()].flat().filter((specifier) => !specifier.startsWith('.'));
    expect([...new Set(packages)]).toEqual(['zod']);
  });

  it('are the ones the server validates with', () => {
    expect(
      BirthRegistration.safeParse({
        fullName: 'Nguyễn 123',
        dateOfBirth: '2026-01-01',
        sex: 'male',
        placeOfBirth: 'x',
        registrationCommuneCode: '00004',
      }).success,
    ).toBe(false);
    expect(correctableFields.phone.safeParse('0912345678').success).toBe(true);
    expect(
      ParentageRegistration.safeParse({
        childIdNumber: '001226000001',
        parentIdNumber: '001090000001',
        role: 'father',
        recognitionDate: '2026-02-30',
      }).success,
    ).toBe(false);
  });
});
