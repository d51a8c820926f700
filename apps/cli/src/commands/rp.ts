import { systemClock } from '@dinhdanh/kernel';
import {
  type ClientRegistration,
  listClients,
  type RelyingParty,
  registerClient,
  removeClient,
} from '@dinhdanh/oidc';
import type { Command } from 'commander';
import { readJwks, serverAdminCall, withAdmin } from '../admin-api.ts';
import { printJson, usageError } from '../output.ts';

/**
 * Relying parties are managed on the database directly; while `dinhdanh serve` holds the embedded
 * database, the same operation goes through the running server's admin API.
 */
interface ClientAdmin {
  register(input: ClientRegistration): Promise<RelyingParty>;
  list(): Promise<RelyingParty[]>;
  remove(clientId: string): Promise<void>;
}

async function serverAdmin(): Promise<ClientAdmin> {
  const call = await serverAdminCall('/api/oidc/v1/admin/clients');
  return {
    register: async (input) => (await call('POST', '', input)) as RelyingParty,
    list: async () => ((await call('GET', '')) as { items: RelyingParty[] }).items,
    remove: async (clientId) => {
      await call('DELETE', `/${encodeURIComponent(clientId)}`);
    },
  };
}

const withClientAdmin = <T>(fn: (admin: ClientAdmin) => Promise<T>) =>
  withAdmin<ClientAdmin, T>(
    ({ database: { db } }) => ({
      register: (input) => registerClient(db, systemClock, input),
      list: () => listClients(db),
      remove: (clientId) => removeClient(db, clientId),
    }),
    serverAdmin,
    fn,
  );

const collect = (value: string, previous: string[] = []) => [...previous, value];

function printClient(client: RelyingParty) {
  process.stdout.write(
    `${client.clientId}  ${client.name}${client.disabled ? '  (disabled)' : ''}\n` +
      `  redirect URIs: ${client.redirectUris.join(', ')}\n` +
      `  scopes: ${client.scopes.join(' ')}; minimum level ${client.minLevel}; sector ${client.sector}\n`,
  );
}

/** `dinhdanh rp …`: relying parties (portals, banks, hospitals) of the OpenID provider. */
export function registerRpCommands(program: Command): void {
  const rp = program.command('rp').description('Relying parties of the OpenID provider');
  rp.command('add')
    .description('Register a relying party (FAPI 2.0: private_key_jwt with the keys in --jwks, PAR, DPoP)')
    .requiredOption('--name <name>', 'display name shown on the consent screen')
    .requiredOption('--redirect-uri <uri>', 'exact redirect URI (repeatable)', collect)
    .requiredOption('--jwks <file>', "the RP's public keys (JWKS or one JWK) for private_key_jwt")
    .option('--scopes <scopes>', 'space- or comma-separated scopes', 'openid profile')
    .option('--min-level <level>', 'minimum eID level the RP requires: 1 or 2', '1')
    .option('--sector <host>', 'pairwise-subject sector (defaults to the redirect host)')
    .option('--post-logout-redirect-uri <uri>', 'allowed post-logout redirect (repeatable)', collect)
    .option('--backchannel-logout-uri <uri>', 'where back-channel logout tokens are posted')
    .option('--json', 'print the client as JSON')
    .action(
      async (options: {
        name: string;
        redirectUri: string[];
        jwks: string;
        scopes: string;
        minLevel: string;
        sector?: string;
        postLogoutRedirectUri?: string[];
        backchannelLogoutUri?: string;
        json?: boolean;
      }) => {
        if (options.minLevel !== '1' && options.minLevel !== '2') usageError('--min-level must be 1 or 2');
        const jwks = await readJwks(options.jwks);
        const client = await withClientAdmin((admin) =>
          admin.register({
            name: options.name,
            redirectUris: options.redirectUri,
            postLogoutRedirectUris: options.postLogoutRedirectUri ?? [],
            ...(options.backchannelLogoutUri ? { backchannelLogoutUri: options.backchannelLogoutUri } : {}),
            jwks: jwks as { keys: Record<string, unknown>[] },
            scopes: options.scopes.split(/[\s,]+/).filter(Boolean),
            minLevel: options.minLevel === '2' ? 2 : 1,
            ...(options.sector ? { sector: options.sector } : {}),
          }),
        );
        if (options.json) printJson(client);
        else printClient(client);
      },
    );
  rp.command('list')
    .description('List relying parties')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const clients = await withClientAdmin((admin) => admin.list());
      if (options.json) printJson(clients);
      else for (const client of clients) printClient(client);
    });
  rp.command('remove <clientId>')
    .description('Disable a relying party (its consents and audit entries keep naming it)')
    .action(async (clientId: string) => {
      await withClientAdmin((admin) => admin.remove(clientId));
      process.stdout.write(`disabled ${clientId}\n`);
    });
}
