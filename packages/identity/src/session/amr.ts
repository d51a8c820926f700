/** RFC 8176 authentication method references, stored as a bitmask to keep session rows small. */
export const amrValues = ['pwd', 'sms', 'otp', 'hwk', 'swk', 'user', 'mca', 'face'] as const;
export type Amr = (typeof amrValues)[number];

export function amrToMask(amr: readonly Amr[]): number {
  return amr.reduce((mask, value) => mask | (1 << amrValues.indexOf(value)), 0);
}

export function maskToAmr(mask: number): Amr[] {
  return amrValues.filter((_, i) => mask & (1 << i));
}

export const ACR = { 1: 'urn:dinhdanh:acr:level1', 2: 'urn:dinhdanh:acr:level2' } as const;
export type AcrLevel = 1 | 2;

/**
 * Level 2 only for a level-2 account with a multi-factor login (ADR 0005): password plus a
 * code, a user-verified passkey, or an approval by a level-2 wallet.
 */
export function acrFor(accountLevel: 1 | 2 | null, amr: readonly Amr[], approvedByLevel2 = false): AcrLevel {
  if (accountLevel !== 2) return 1;
  const multiFactor =
    (amr.includes('pwd') && (amr.includes('sms') || amr.includes('otp'))) ||
    ((amr.includes('hwk') || amr.includes('swk')) && amr.includes('user')) ||
    (amr.includes('mca') && approvedByLevel2);
  return multiFactor ? 2 : 1;
}
