import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRow, parseCsvLine } from './csv.ts';

describe('CSV', () => {
  it('encodes null as an empty unquoted field and empty text as quoted', () => {
    expect(csvRow([null, '', 'a,b', 'say "hi"', 3, { a: 1 }])).toBe(',"","a,b","say ""hi""",3,"{""a"":1}"\n');
  });

  it('round-trips single-line text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !/[\r\n]/.test(s)),
          { minLength: 1, maxLength: 8 },
        ),
        (values) => {
          const line = csvRow(values).slice(0, -1);
          expect(parseCsvLine(line)).toEqual(values);
        },
      ),
    );
  });
});
