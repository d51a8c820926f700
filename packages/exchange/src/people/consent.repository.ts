import type { Db } from '@dinhdanh/db';
import { sql } from 'kysely';

export interface ConsentRow {
  consentId: string;
  idNumber: string;
  agencyId: string;
  agencyName: string;
  purpose: string;
  grantedAt: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

type Row = {
  consent_id: string;
  id_number: string;
  agency_id: string;
  agency_name: string;
  purpose: string;
  granted_at: Date | string;
  expires_at: Date | string | null;
  withdrawn_at: Date | string | null;
};

const fromRow = (row: Row): ConsentRow => ({
  consentId: row.consent_id,
  idNumber: row.id_number,
  agencyId: row.agency_id,
  agencyName: row.agency_name,
  purpose: row.purpose,
  grantedAt: iso(row.granted_at) as string,
  expiresAt: iso(row.expires_at),
  withdrawnAt: iso(row.withdrawn_at),
});

export async function findActiveConsent(
  db: Db,
  idNumber: string,
  agencyId: string,
  purpose: string,
  now: Date,
): Promise<ConsentRow | undefined> {
  const { rows } = await sql<Row>`
    SELECT c.*, a.name AS agency_name FROM exchange.consent c JOIN exchange.agency a USING (agency_id)
    WHERE c.id_number = ${idNumber} AND c.agency_id = ${agencyId} AND c.purpose = ${purpose}
      AND c.withdrawn_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > ${now})
    ORDER BY c.granted_at DESC LIMIT 1`.execute(db);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function insertConsent(
  db: Db,
  consent: Omit<ConsentRow, 'agencyName' | 'withdrawnAt'>,
): Promise<void> {
  await sql`
    INSERT INTO exchange.consent (consent_id, id_number, agency_id, purpose, granted_at, expires_at)
    VALUES (${consent.consentId}, ${consent.idNumber}, ${consent.agencyId}, ${consent.purpose},
            ${consent.grantedAt}, ${consent.expiresAt})`.execute(db);
}

export async function listConsents(db: Db, idNumber: string): Promise<ConsentRow[]> {
  const { rows } = await sql<Row>`
    SELECT c.*, a.name AS agency_name FROM exchange.consent c JOIN exchange.agency a USING (agency_id)
    WHERE c.id_number = ${idNumber} ORDER BY c.granted_at DESC, c.consent_id`.execute(db);
  return rows.map(fromRow);
}

/** Withdraws the holder's own consent; false when it is not theirs or already withdrawn. */
export async function withdrawConsent(
  db: Db,
  idNumber: string,
  consentId: string,
  at: Date,
): Promise<ConsentRow | undefined> {
  const { rows } = await sql<{ consent_id: string }>`
    UPDATE exchange.consent SET withdrawn_at = ${at}
    WHERE consent_id = ${consentId} AND id_number = ${idNumber} AND withdrawn_at IS NULL
    RETURNING consent_id`.execute(db);
  if (!rows[0]) return undefined;
  return (await listConsents(db, idNumber)).find((consent) => consent.consentId === consentId);
}
