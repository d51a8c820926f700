import type { Db } from '@dinhdanh/db';
import { findAgency } from '@dinhdanh/exchange';
import { findAccountById, type IdentityContext } from '@dinhdanh/identity';
import { findClient } from '@dinhdanh/oidc';
import type { ActorDirectory } from '@dinhdanh/registry';

/**
 * Names the actors of access logs that only other packages know: an agency's and a relying
 * party's registered names, an account holder's display name. The registry's presenter asks
 * once per page for the distinct actors on it. `identity` is a function because the identity
 * context is built after the registry's routes are mounted.
 */
export function actorDirectory(db: Db, identity: () => IdentityContext | undefined): ActorDirectory {
  return async (actors) => {
    const names = new Map<string, string>();
    await Promise.all(
      actors.map(async ({ kind, id }) => {
        const name = await nameOf(kind, id);
        if (name) names.set(`${kind}:${id}`, name);
      }),
    );
    return names;
  };

  async function nameOf(kind: string, id: string): Promise<string | undefined> {
    switch (kind) {
      case 'agency':
        return (await findAgency({ db }, id))?.name;
      case 'relying_party':
        return (await findClient(db, id))?.name;
      case 'citizen': {
        const ctx = identity();
        return ctx ? (await findAccountById(ctx, id))?.displayName : undefined;
      }
      default:
        return undefined;
    }
  }
}
