import type { AccessLogEntry, ActorKind } from '@dinhdanh/audit';
import { z } from 'zod';
import type { AdminUnits } from '../admin-unit/admin-units.ts';

/** A text in both languages; `en` repeats `vi` when the recorded text has no English part. */
export const BilingualText = z.object({ vi: z.string(), en: z.string() });
export type BilingualText = z.infer<typeof BilingualText>;

const UnitLevel = z.enum(['country', 'province', 'commune']);

/** One line of a person's access log as the API shows it. */
export const AccessLogItem = z.object({
  entryId: z.number(),
  recordedAt: z.string(),
  actor: z.object({
    kind: z.string(),
    /** As recorded: an officer's code, an agency's or relying party's id, an account id, a system job. */
    id: z.string(),
    /** As recorded: an officer's unit code, or the agency's name at the time. */
    unit: z.string().nullable(),
    /**
     * Who it was, for a person to read: the agency's or service's registered name, the account
     * holder's name. Null for officers (named by unit) and the system.
     */
    name: z.string().nullable(),
    /** The officer's administrative unit by name ("Phường Ba Đình, Thành phố Hà Nội"); null when national. */
    unitName: z.string().nullable(),
    unitLevel: UnitLevel.nullable(),
    /** The log's own subject acted (a citizen on their own account). */
    self: z.boolean(),
  }),
  action: z.string(),
  purpose: z.string().nullable(),
  /** The purpose split into its Vietnamese and English parts. */
  purposeText: BilingualText.nullable(),
  legalBasis: z.string().nullable(),
  legalBasisText: BilingualText.nullable(),
  details: z.record(z.string(), z.unknown()),
  /** Position in the Merkle tree; null until the sequencer has reached the entry. */
  leafIndex: z.number().nullable(),
});
export type AccessLogItem = z.infer<typeof AccessLogItem>;

/**
 * Names of the actors the registry cannot name itself — agencies, relying parties, eID
 * accounts — supplied by the composition root, which sees the packages that own them.
 * Returns a map keyed `kind:id`; an actor it does not know is simply absent.
 */
export type ActorDirectory = (
  actors: ReadonlyArray<{ kind: ActorKind; id: string }>,
) => Promise<ReadonlyMap<string, string>>;

/** Whose log it is: actions by this subject are the reader's own. */
export interface AccessLogOwner {
  subjectKey: string;
  accountId?: string | undefined;
}

export interface AccessLogPresentation {
  units: AdminUnits;
  directory?: ActorDirectory | undefined;
  owner: AccessLogOwner;
}

const actorKey = (actor: { kind: string; id: string }) => `${actor.kind}:${actor.id}`;

/**
 * Entries as a person reads them: actors named (officers by their unit, others through the
 * directory), recorded bilingual texts split by language. The recorded fields stay as they are:
 * the log is evidence, the names are today's.
 */
export async function presentAccessLog(
  entries: readonly AccessLogEntry[],
  presentation: AccessLogPresentation,
): Promise<AccessLogItem[]> {
  const { owner } = presentation;
  const isSelf = (actor: AccessLogEntry['actor']) =>
    actor.kind === 'citizen' && (actor.id === owner.subjectKey || actor.id === owner.accountId);
  const unnamed = new Map<string, { kind: ActorKind; id: string }>();
  for (const { actor } of entries)
    if (actor.kind !== 'officer' && actor.kind !== 'system' && !isSelf(actor))
      unnamed.set(actorKey(actor), { kind: actor.kind, id: actor.id });
  const names =
    presentation.directory && unnamed.size > 0
      ? await presentation.directory([...unnamed.values()])
      : new Map<string, string>();
  return entries.map((entry) => {
    const { actor } = entry;
    const unit = actor.kind === 'officer' && actor.unit ? officerUnit(actor.unit, presentation.units) : null;
    return {
      ...entry,
      recordedAt: entry.recordedAt.toISOString(),
      actor: {
        ...actor,
        name: names.get(actorKey(actor)) ?? (actor.kind === 'agency' ? actor.unit : null),
        unitName: unit?.name ?? null,
        unitLevel: unit?.level ?? null,
        self: isSelf(actor),
      },
      purposeText: readablePurpose(entry.purpose),
      legalBasisText: entry.legalBasis ? splitBilingual(entry.legalBasis) : null,
    };
  });
}

/** An officer's unit by name: a commune with its province, a province, or the national level. */
function officerUnit(
  code: string,
  units: AdminUnits,
): { name: string | null; level: z.infer<typeof UnitLevel> } | null {
  if (code === 'VN') return { name: null, level: 'country' };
  if (/^\d{2}$/.test(code)) {
    const province = units.find('2025', 'province', code);
    return province ? { name: province.fullName, level: 'province' } : null;
  }
  const commune = units.find('2025', 'commune', code);
  if (!commune) return null;
  const province = units.find('2025', 'province', commune.provinceCode ?? '');
  return {
    name: province ? `${commune.fullName}, ${province.fullName}` : commune.fullName,
    level: 'commune',
  };
}

/**
 * The purpose as a person reads it. An event recorded without a reason carries its bare type
 * code ("birth_registered") as purpose: the action already says that, so there is no text.
 */
function readablePurpose(purpose: string | null): BilingualText | null {
  if (!purpose || /^[a-z][a-z0-9_.]*$/.test(purpose)) return null;
  return splitBilingual(purpose);
}

const englishStart = /^[A-Za-z0-9][A-Za-z0-9'’-]*(?:\s|$)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const nonAscii = /[^\u0000-\u007f]/;

/**
 * The platform records its own purposes and legal bases as "tiếng Việt / English" (or
 * "… (tiếng Việt / English)"), optionally followed by " — name". This splits such a text into
 * its two languages; any other text (an agency's own description, an older record) reads the
 * same in both. A slash inside Vietnamese ("Đăng nhập / xác thực") is not a split: the English
 * part must start with an ASCII word and the Vietnamese part must hold a Vietnamese letter.
 */
export function splitBilingual(text: string): BilingualText {
  const parenthesised = /^(.*?)\(([^()]*?) \/ ([^()]*)\)(.*)$/s.exec(text);
  if (parenthesised) {
    const [, head = '', vi = '', en = '', tail = ''] = parenthesised;
    if (englishStart.test(en) && nonAscii.test(`${head}${vi}`))
      return { vi: `${head}(${vi})${tail}`, en: `${head}(${en})${tail}` };
  }
  let from = 0;
  for (;;) {
    const at = text.indexOf(' / ', from);
    if (at < 0) return { vi: text, en: text };
    const vi = text.slice(0, at);
    let en = text.slice(at + 3);
    if (englishStart.test(en) && nonAscii.test(vi)) {
      const dash = en.indexOf(' — ');
      const suffix = dash >= 0 ? en.slice(dash) : '';
      if (dash >= 0) en = en.slice(0, dash);
      return { vi: `${vi}${suffix}`, en: `${en.charAt(0).toUpperCase()}${en.slice(1)}${suffix}` };
    }
    from = at + 3;
  }
}

/** Paging of an access log: newest first, `before` = the smallest entryId already shown. */
export const AccessLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
