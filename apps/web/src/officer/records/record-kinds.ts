/** The civil-event procedures a registry clerk records in the console. */
export const recordKinds = [
  'birth',
  'death',
  'marriage',
  'divorce',
  'guardianship',
  'parentage',
  'correction',
] as const;
export type RecordKind = (typeof recordKinds)[number];

export function isRecordKind(value: unknown): value is RecordKind {
  return recordKinds.includes(value as RecordKind);
}

/**
 * The legal basis each procedure records when the clerk names none (as the registry does,
 * packages/registry/src/events/civil-events.service.ts): shown prefilled, so the review shows
 * what will be written. Names of laws, so the same in both languages.
 */
export const defaultLegalBasis: Record<RecordKind, string> = {
  birth: 'Luật Hộ tịch 60/2014/QH13',
  death: 'Luật Hộ tịch 60/2014/QH13',
  marriage: 'Luật Hôn nhân và gia đình 52/2014/QH13',
  divorce: 'Luật Hôn nhân và gia đình 52/2014/QH13',
  guardianship: 'Bộ luật Dân sự 91/2015/QH13; Luật Hộ tịch 60/2014/QH13',
  parentage: 'Luật Hộ tịch 60/2014/QH13, Điều 24–25',
  correction: 'Luật Cư trú 68/2020/QH14; Luật Căn cước 26/2023/QH15',
};

/** What the route gives each procedure's form. */
export interface RecordFormProps {
  /** The person the procedure starts from (opened from their page), if any. */
  subjectId: string | undefined;
  /** Starts the same procedure again, empty. */
  onAgain: () => void;
}
