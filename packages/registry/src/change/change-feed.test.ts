import { describe, expect, it } from 'vitest';
import { changeTypesOf } from './change-feed.ts';

describe('changeTypesOf', () => {
  it('names a death, and its annulment by correction', () => {
    expect(changeTypesOf('death_recorded', { dateOfDeath: '2026-11-01' }, { dateOfDeath: null })).toEqual([
      'person.died',
    ]);
    expect(changeTypesOf('field_corrected', { dateOfDeath: null }, { dateOfDeath: '2026-11-01' })).toEqual([
      'person.death_annulled',
      'person.corrected',
    ]);
  });

  it('names name, residence and civil-status changes and ignores the rest', () => {
    expect(changeTypesOf('field_corrected', { fullName: 'Lê Văn B' }, { fullName: 'Lê Văn A' })).toEqual([
      'person.name_changed',
      'person.corrected',
    ]);
    expect(changeTypesOf('marriage_registered', { maritalStatus: 'married' }, {})).toEqual([
      'person.civil_status_changed',
    ]);
    expect(changeTypesOf('widowed', { religion: 'Không' }, {})).toEqual([]);
    expect(changeTypesOf('birth_registered', {}, {})).toEqual(['person.born']);
  });
});
