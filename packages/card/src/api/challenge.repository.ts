import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '@dinhdanh/db';
import { CompiledQuery } from 'kysely';

/** ICAO 9303-11 Active Authentication: an 8-byte challenge from the verifier. */
const NONCE_BYTES = 8;
export const CHALLENGE_SECONDS = 300;

export async function createChallenge(db: Db, clientId: string, now: Date) {
  const challengeId = randomUUID();
  const nonce = randomBytes(NONCE_BYTES);
  const expiresAt = new Date(now.getTime() + CHALLENGE_SECONDS * 1000);
  await db
    .insertInto('card.challenge')
    .values({ challenge_id: challengeId, client_id: clientId, nonce, created_at: now, expires_at: expiresAt })
    .execute();
  return { challengeId, nonce, expiresAt };
}

/**
 * Takes a challenge for one verification: only the client it was issued to, only once, only
 * before it expires — in one statement, so two requests cannot both use it.
 */
export async function consumeChallenge(
  db: Db,
  challengeId: string,
  clientId: string,
  now: Date,
): Promise<Uint8Array | undefined> {
  const { rows } = await db.executeQuery<{ nonce: Uint8Array }>(
    CompiledQuery.raw(
      `UPDATE card.challenge SET used_at = $1
       WHERE challenge_id = $2 AND client_id = $3 AND used_at IS NULL AND expires_at > $1
       RETURNING nonce`,
      [now, challengeId, clientId],
    ),
  );
  return rows[0]?.nonce ? new Uint8Array(rows[0].nonce) : undefined;
}

export async function sweepChallenges(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('card.challenge')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute();
}
