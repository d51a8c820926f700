import { randomUUID } from 'node:crypto';
import type { Db } from '@dinhdanh/db';

export async function insertPasswordCredential(db: Db, accountId: string, phc: string, now: Date) {
  await db
    .insertInto('identity.credential')
    .values({
      credential_id: randomUUID(),
      account_id: accountId,
      kind: 'password',
      secret: phc,
      created_at: now,
    })
    .execute();
}
