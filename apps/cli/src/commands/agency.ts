import { readFile } from 'node:fs/promises';
import {
  type Agency,
  type AgencyCredentials,
  type AgencyRegistration,
  disableAgency,
  type ExchangeContext,
  listAgencies,
  registerAgency,
} from '@dinhdanh/exchange';
import { createLogger, systemClock } from '@dinhdanh/kernel';
import type { Command } from 'commander';
import { readJwks, serverAdminCall, withAdmin } from '../admin-api.ts';
import { printJson, usageError } from '../output.ts';

interface AgencyAdmin {
  register(input: AgencyRegistration & AgencyCredentials): Promise<Agency>;
  list(): Promise<Agency[]>;
  remove(agencyId: string): Promise<void>;
}

async function serverAdmin(): Promise<AgencyAdmin> {
  const call = await serverAdminCall('/api/exchange/v1/admin/agencies');
  return {
    register: async (input) => (await call('POST', '', input)) as Agency,
    list: async () => ((await call('GET', '')) as { items: Agency[] }).items,
    remove: async (agencyId) => {
      await call('DELETE', `/${encodeURIComponent(agencyId)}`);
    },
  };
}

const withAgencyAdmin = <T>(fn: (admin: AgencyAdmin) => Promise<T>) =>
  withAdmin<AgencyAdmin, T>(
    ({ database: { db } }) => {
      const ctx = { db, clock: systemClock, logger: createLogger('silent') } as Pick<
        ExchangeContext,
        'db' | 'clock' | 'logger'
      >;
      return {
        register: (input) => registerAgency(ctx, input),
        list: () => listAgencies(ctx),
        remove: (agencyId) => disableAgency(ctx, agencyId),
      };
    },
    serverAdmin,
    fn,
  );

const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);

/**
 * `--purposes` takes a JSON file or inline JSON (an array of purposes with their codes,
 * descriptions, legal bases and fields), or comma-separated purpose codes, which then share
 * `--fields` and `--legal-basis` (none given: the citizen's consent is needed for lookups).
 */
async function purposesFrom(options: { purposes: string; fields?: string; legalBasis?: string }) {
  const text = options.purposes.trim();
  const json = text.startsWith('[')
    ? text
    : /\.json$/i.test(text)
      ? await readFile(text, 'utf8').catch(() => usageError(`cannot read the purposes file ${text}`))
      : undefined;
  if (json !== undefined) {
    try {
      return JSON.parse(json) as unknown[];
    } catch {
      usageError('--purposes is not a JSON array of purposes');
    }
  }
  const fields = list(options.fields ?? 'idNumber,fullName,dateOfBirth,sex,alive');
  return list(text).map((code) => ({
    code,
    description: code,
    legalBasis: options.legalBasis ?? null,
    fields,
  }));
}

function printAgency(agency: Agency) {
  process.stdout.write(
    `${agency.clientId}  ${agency.name}${agency.disabled ? '  (disabled)' : ''}\n` +
      `  scopes: ${agency.scopes.join(' ')}\n` +
      agency.purposes
        .map(
          (purpose) =>
            `  purpose ${purpose.code}: ${purpose.legalBasis ?? 'citizen consent needed for lookups'}; fields ${purpose.fields.join(', ')}\n`,
        )
        .join('') +
      `  events: ${agency.eventTypes.join(', ') || '—'}; documents: ${agency.documentKinds.join(', ') || '—'}\n` +
      `  limits: ${agency.ratePerSecond} requests/s, ${agency.quotaPerDay} records/day\n`,
  );
}

/** `dinhdanh agency …`: agencies using the exchange (tax, social insurance, health, transport …). */
export function registerAgencyCommands(program: Command): void {
  const agency = program
    .command('agency')
    .description('Agencies connected to the population database (exchange)');
  agency
    .command('add')
    .description(
      'Register an agency: an OAuth client (client credentials, private_key_jwt with --jwks, DPoP)',
    )
    .requiredOption('--name <name>', 'the agency name')
    .requiredOption(
      '--scopes <scopes>',
      'comma-separated: exchange.verify, exchange.lookup, exchange.match, exchange.enrich, exchange.events',
    )
    .requiredOption(
      '--purposes <purposes>',
      'purpose codes (comma-separated), or a JSON file / inline JSON array of purposes',
    )
    .option('--jwks <file>', "the agency's public keys (JWKS or one JWK), for private_key_jwt")
    .option('--tls-cert <file>', "or the agency's self-signed TLS client certificate (PEM), for mutual TLS")
    .option('--fields <fields>', 'fields the listed purpose codes may receive (comma-separated)')
    .option(
      '--legal-basis <text>',
      'legal basis of the listed purpose codes (else lookups need the citizen consent)',
    )
    .option('--events <types>', 'change-event types it may subscribe to (comma-separated)')
    .option('--documents <kinds>', 'document kinds it may push (comma-separated)')
    .option('--rate <n>', 'requests per second', '200')
    .option('--quota <n>', 'records per day', '10000000')
    .option('--json', 'print the agency as JSON')
    .action(
      async (options: {
        name: string;
        scopes: string;
        purposes: string;
        jwks?: string;
        tlsCert?: string;
        fields?: string;
        legalBasis?: string;
        events?: string;
        documents?: string;
        rate: string;
        quota: string;
        json?: boolean;
      }) => {
        const rate = Number(options.rate);
        const quota = Number(options.quota);
        if (!Number.isInteger(rate) || rate < 1) usageError('--rate must be a positive integer');
        if (!Number.isInteger(quota) || quota < 1) usageError('--quota must be a positive integer');
        if (!options.jwks === !options.tlsCert) usageError('give either --jwks or --tls-cert');
        const credentials = options.tlsCert
          ? {
              tlsClientCertificate: await readFile(options.tlsCert, 'utf8').catch(() =>
                usageError(`cannot read the certificate file ${options.tlsCert}`),
              ),
            }
          : { jwks: await readJwks(options.jwks as string) };
        const input = {
          name: options.name,
          scopes: list(options.scopes),
          purposes: await purposesFrom(options),
          eventTypes: list(options.events),
          documentKinds: list(options.documents),
          ratePerSecond: rate,
          quotaPerDay: quota,
          ...credentials,
        } as AgencyRegistration & AgencyCredentials;
        const created = await withAgencyAdmin((admin) => admin.register(input));
        if (options.json) printJson(created);
        else printAgency(created);
      },
    );
  agency
    .command('list')
    .description('List agencies')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const agencies = await withAgencyAdmin((admin) => admin.list());
      if (options.json) printJson(agencies);
      else for (const item of agencies) printAgency(item);
    });
  agency
    .command('remove <agencyId>')
    .description('Disable an agency (no new tokens; its audit entries keep naming it)')
    .action(async (agencyId: string) => {
      await withAgencyAdmin((admin) => admin.remove(agencyId));
      process.stdout.write(`disabled ${agencyId}\n`);
    });
}
