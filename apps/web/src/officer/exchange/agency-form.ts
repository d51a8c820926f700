import {
  type AgencyRegistration,
  type DocumentKind,
  documentKinds,
  type ExchangeEventType,
  type ExchangeScope,
  exchangeEventTypes,
  exchangeFields,
  exchangeScopes,
  purposeCodePattern,
  registrationLimits,
} from './exchange.types.ts';

/** One purpose as typed; `key` only identifies the fieldset while purposes are added and removed. */
export interface PurposeDraft {
  key: number;
  code: string;
  description: string;
  needsConsent: boolean;
  legalBasis: string;
  fields: string[];
}

export interface RegistrationForm {
  name: string;
  scopes: string[];
  purposes: PurposeDraft[];
  eventTypes: string[];
  documentKinds: string[];
  ratePerSecond: number | string;
  quotaPerDay: number | string;
  jwks: string;
}

/** Which inputs are wrong (each page shows its own message for it). */
export interface FormErrors {
  name?: true;
  scopes?: true;
  purposes?: ({ code?: 'invalid' | 'duplicate'; description?: true; legalBasis?: true } | undefined)[];
  ratePerSecond?: true;
  quotaPerDay?: true;
  jwks?: 'invalid' | 'private';
}

let nextKey = 1;

export function emptyPurpose(): PurposeDraft {
  return { key: nextKey++, code: '', description: '', needsConsent: false, legalBasis: '', fields: [] };
}

export function emptyForm(): RegistrationForm {
  return {
    name: '',
    scopes: [],
    purposes: [emptyPurpose()],
    eventTypes: [],
    documentKinds: [],
    ratePerSecond: registrationLimits.defaultRate,
    quotaPerDay: registrationLimits.defaultQuota,
    jwks: '',
  };
}

// JWK members that only a private or symmetric key has (RFC 7518 §6): an agency registers its
// public keys only, so a pasted private key is refused before it leaves the browser.
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Parses a pasted JWKS; `private` when a key carries private material. */
export function parseJwks(text: string): { keys: Record<string, unknown>[] } | 'invalid' | 'private' {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (typeof value !== 'object' || value === null || !('keys' in value) || !Array.isArray(value.keys))
    return 'invalid';
  const keys: unknown[] = value.keys;
  if (keys.length === 0) return 'invalid';
  const valid = keys.every(
    (key): key is Record<string, unknown> =>
      typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string',
  );
  if (!valid) return 'invalid';
  if ((keys as Record<string, unknown>[]).some((key) => privateMembers.some((member) => member in key)))
    return 'private';
  return { keys: keys as Record<string, unknown>[] };
}

function wholeNumber(value: number | string, max: number): number | undefined {
  if (typeof value === 'string' && value.trim() === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value.trim());
  return Number.isInteger(number) && number >= 1 && number <= max ? number : undefined;
}

function pick<T extends string>(values: readonly string[], allowed: readonly T[]): T[] {
  // Keep the catalogue's order whatever order boxes were ticked in.
  return allowed.filter((value) => values.includes(value));
}

/**
 * The server's rules for a registration (`AgencyRegistration` in packages/exchange), checked
 * before sending so each mistake is shown beside its input; the server checks them again.
 */
export function validateRegistration(form: RegistrationForm): {
  errors: FormErrors;
  registration?: AgencyRegistration;
} {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (name.length < 1 || name.length > registrationLimits.nameMax) errors.name = true;
  const scopes = pick<ExchangeScope>(form.scopes, exchangeScopes);
  if (scopes.length === 0) errors.scopes = true;

  const seen = new Set<string>();
  const purposeErrors = form.purposes.map((purpose) => {
    const found: NonNullable<FormErrors['purposes']>[number] = {};
    const code = purpose.code.trim();
    if (!purposeCodePattern.test(code) || code.length > registrationLimits.purposeCodeMax)
      found.code = 'invalid';
    else if (seen.has(code)) found.code = 'duplicate';
    seen.add(code);
    const description = purpose.description.trim();
    if (description.length < 1 || description.length > registrationLimits.textMax) found.description = true;
    const legalBasis = purpose.legalBasis.trim();
    if (!purpose.needsConsent && (legalBasis.length < 1 || legalBasis.length > registrationLimits.textMax))
      found.legalBasis = true;
    return Object.keys(found).length > 0 ? found : undefined;
  });
  if (purposeErrors.some((found) => found !== undefined)) errors.purposes = purposeErrors;

  const ratePerSecond = wholeNumber(form.ratePerSecond, registrationLimits.rateMax);
  if (ratePerSecond === undefined) errors.ratePerSecond = true;
  const quotaPerDay = wholeNumber(form.quotaPerDay, registrationLimits.quotaMax);
  if (quotaPerDay === undefined) errors.quotaPerDay = true;
  const jwks = parseJwks(form.jwks);
  if (typeof jwks === 'string') errors.jwks = jwks;

  if (Object.keys(errors).length > 0 || typeof jwks === 'string') return { errors };
  return {
    errors,
    registration: {
      name,
      scopes,
      purposes: form.purposes.map((purpose) => ({
        code: purpose.code.trim(),
        description: purpose.description.trim(),
        legalBasis: purpose.needsConsent ? null : purpose.legalBasis.trim(),
        fields: pick(purpose.fields, exchangeFields),
      })),
      eventTypes: pick<ExchangeEventType>(form.eventTypes, exchangeEventTypes),
      documentKinds: pick<DocumentKind>(form.documentKinds, documentKinds),
      ratePerSecond: ratePerSecond!,
      quotaPerDay: quotaPerDay!,
      jwks,
    },
  };
}
