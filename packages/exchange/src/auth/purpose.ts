import { AppError } from '@dinhdanh/kernel';
import type { Purpose } from '../agency/agency.schema.ts';
import type { AgencyPrincipal } from './agency-principal.ts';

/** The purpose a call names, if the agency was granted it. */
export function purposeOf(principal: AgencyPrincipal, code: string): Purpose {
  const purpose = principal.agency.purposes.find((candidate) => candidate.code === code);
  if (!purpose) throw new AppError('ERR_EXCHANGE_PURPOSE', `purpose "${code.slice(0, 100)}" is not granted`);
  return purpose;
}

/** How a purpose reads in the citizen's access log: its code and its description. */
export function purposeText(purpose: Purpose): string {
  return `${purpose.description} (${purpose.code})`;
}
