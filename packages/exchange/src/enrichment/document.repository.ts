import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';
import type { DocumentKind } from '../agency/agency.schema.ts';

/** What a push checks of a holder: existence, life, name and date of birth. */
export interface Holder {
  fullName: string;
  otherNames: readonly string[];
  dateOfBirth: string;
  dateOfDeath: string | null;
}

/**
 * The holders of a push, in one statement, through `registry.person_match` — the registry's
 * published read contract for comparing agencies' records (see its migration), since one
 * per-person read for each of 1,000 documents is what made a push slow.
 */
export async function findHolders(db: Db, idNumbers: readonly string[]): Promise<Map<string, Holder>> {
  const holders = new Map<string, Holder>();
  if (idNumbers.length === 0) return holders;
  const { rows } = await sql<{
    id_number: string;
    full_name: string;
    other_names: string[] | null;
    date_of_birth: string;
    date_of_death: string | null;
  }>`
    SELECT id_number, full_name, other_names, date_of_birth, date_of_death FROM registry.person_match
    WHERE id_number = ANY(${idNumbers}::char(12)[])`.execute(db);
  for (const row of rows)
    holders.set(String(row.id_number), {
      fullName: row.full_name,
      otherNames: row.other_names ?? [],
      dateOfBirth: String(row.date_of_birth),
      dateOfDeath: row.date_of_death === null ? null : String(row.date_of_death),
    });
  return holders;
}

/** A number's key in exchange.document_number: scope '' is national, else the agency's id. */
export interface NumberKey {
  kind: DocumentKind;
  scope: string;
  number: string;
}

export const numberKeyOf = (key: NumberKey) => `${key.kind}\u0000${key.scope}\u0000${key.number}`;

/**
 * Serialises an agency's pushes (one transaction-scoped lock per call, not per document), so
 * that two pushes of the same document cannot both append the same version.
 */
export async function lockAgencyPushes(db: Db, agencyId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`exchange.document:${agencyId}`}))`.execute(db);
}

/** The person each known number belongs to. */
export async function findNumberOwners(db: Db, keys: readonly NumberKey[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (keys.length === 0) return owners;
  const { rows } = await sql<{ kind: DocumentKind; scope: string; number: string; id_number: string }>`
    SELECT n.kind, n.scope, n.number, n.id_number FROM exchange.document_number n
    JOIN unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.scope)}::text[],
                ${keys.map((k) => k.number)}::text[]) AS k(kind, scope, number)
      ON n.kind = k.kind AND n.scope = k.scope AND n.number = k.number`.execute(db);
  for (const row of rows) owners.set(numberKeyOf(row), row.id_number);
  return owners;
}

/**
 * Links new numbers to their holders. A number another transaction linked meanwhile is left as
 * it is (the caller reads the owners again).
 */
export async function claimNumbers(
  db: Db,
  claims: readonly (NumberKey & { idNumber: string })[],
  agencyId: string,
  at: Date,
): Promise<void> {
  if (claims.length === 0) return;
  await sql`
    INSERT INTO exchange.document_number (kind, scope, number, id_number, agency_id, recorded_at)
    SELECT kind, scope, number, id_number, ${agencyId}, ${at}
    FROM unnest(${claims.map((c) => c.kind)}::text[], ${claims.map((c) => c.scope)}::text[],
                ${claims.map((c) => c.number)}::text[], ${claims.map((c) => c.idNumber)}::text[])
      AS c(kind, scope, number, id_number)
    ON CONFLICT (kind, scope, number) DO NOTHING`.execute(db);
}

/** A stored version's key facts, for deciding what a push is. */
export interface VersionFacts {
  version: number;
  contentHash: string;
  issuedOn: string | null;
  validFrom: string | null;
  sourceRecordedAt: string | null;
}

export const documentKeyOf = (kind: string, number: string) => `${kind}\u0000${number}`;

/** Every version of the given documents from one agency, oldest first, by kind + number. */
export async function findVersionFacts(
  db: Db,
  agencyId: string,
  keys: readonly { kind: DocumentKind; number: string }[],
): Promise<Map<string, VersionFacts[]>> {
  const facts = new Map<string, VersionFacts[]>();
  if (keys.length === 0) return facts;
  const { rows } = await sql<{
    kind: string;
    number: string;
    version: number;
    content_hash: string;
    issued_on: string | null;
    valid_from: string | null;
    source_recorded_at: Date | string | null;
  }>`
    SELECT v.kind, v.number, v.version, v.content_hash, v.issued_on, v.valid_from, v.source_recorded_at
    FROM exchange.document_version v
    JOIN (SELECT DISTINCT * FROM unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.number)}::text[]))
      AS k(kind, number) ON v.kind = k.kind AND v.number = k.number
    WHERE v.agency_id = ${agencyId}
    ORDER BY v.kind, v.number, v.version`.execute(db);
  for (const row of rows) {
    const key = documentKeyOf(row.kind, row.number);
    const list = facts.get(key) ?? [];
    list.push({
      version: Number(row.version),
      contentHash: row.content_hash,
      issuedOn: row.issued_on,
      validFrom: row.valid_from,
      sourceRecordedAt: row.source_recorded_at ? new Date(row.source_recorded_at).toISOString() : null,
    });
    facts.set(key, list);
  }
  return facts;
}

export interface VersionRow {
  idNumber: string;
  kind: DocumentKind;
  agencyId: string;
  number: string;
  version: number;
  issuer: string | null;
  issuedOn: string | null;
  validFrom: string | null;
  validUntil: string | null;
  data: Record<string, unknown>;
  contentHash: string;
  sourceRecordedAt: string | null;
  purpose: string;
  receivedAt: Date;
}

/** Appends versions (set-based: one statement per call). */
export async function insertVersions(db: Db, rows: readonly VersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (row: VersionRow) => T) => rows.map(pick);
  await sql`
    INSERT INTO exchange.document_version (id_number, kind, agency_id, number, version, issuer, issued_on,
      valid_from, valid_until, data, content_hash, source_recorded_at, purpose, received_at)
    SELECT id_number, kind, agency_id, number, version, issuer, issued_on, valid_from, valid_until,
      data::jsonb, content_hash, source_recorded_at, purpose, ${rows[0]!.receivedAt}
    FROM unnest(${column((r) => r.idNumber)}::text[], ${column((r) => r.kind)}::text[],
      ${column((r) => r.agencyId)}::text[], ${column((r) => r.number)}::text[],
      ${column((r) => r.version)}::int[], ${column((r) => r.issuer)}::text[],
      ${column((r) => r.issuedOn)}::date[], ${column((r) => r.validFrom)}::date[],
      ${column((r) => r.validUntil)}::date[], ${column((r) => JSON.stringify(r.data))}::text[],
      ${column((r) => r.contentHash)}::text[], ${column((r) => r.sourceRecordedAt)}::timestamptz[],
      ${column((r) => r.purpose)}::text[])
      AS v(id_number, kind, agency_id, number, version, issuer, issued_on, valid_from, valid_until, data,
           content_hash, source_recorded_at, purpose)`.execute(db);
}

export interface StoredVersion {
  kind: DocumentKind;
  number: string;
  agencyId: string;
  agencyName: string;
  version: number;
  issuer: string | null;
  issuedOn: string | null;
  validFrom: string | null;
  validUntil: string | null;
  data: Record<string, unknown>;
  receivedAt: string;
  recordedAt: string | null;
}

/** Every version of every document of a person, grouped by document, newest version first. */
export async function listVersionsOf(db: Db, idNumber: string): Promise<StoredVersion[]> {
  const { rows } = await sql<{
    kind: DocumentKind;
    number: string;
    agency_id: string;
    agency_name: string;
    version: number;
    issuer: string | null;
    issued_on: string | null;
    valid_from: string | null;
    valid_until: string | null;
    data: unknown;
    received_at: Date | string;
    source_recorded_at: Date | string | null;
  }>`
    SELECT v.kind, v.number, v.agency_id, a.name AS agency_name, v.version, v.issuer, v.issued_on,
      v.valid_from, v.valid_until, v.data, v.received_at, v.source_recorded_at
    FROM exchange.document_version v JOIN exchange.agency a ON a.agency_id = v.agency_id
    WHERE v.id_number = ${idNumber}
    ORDER BY v.kind, v.agency_id, v.number, v.version DESC`.execute(db);
  return rows.map((row) => ({
    kind: row.kind,
    number: row.number,
    agencyId: row.agency_id,
    agencyName: row.agency_name,
    version: Number(row.version),
    issuer: row.issuer,
    issuedOn: row.issued_on,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
    receivedAt: new Date(row.received_at).toISOString(),
    recordedAt: row.source_recorded_at ? new Date(row.source_recorded_at).toISOString() : null,
  }));
}
