/** Scopes the provider knows and the claims each releases (OIDC Core §5.4 plus ours). */
export const scopeClaims: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: ['name', 'birthdate', 'gender'],
  address: ['address'],
  phone: ['phone_number'],
  // The personal identification number is a claim of its own, for RPs the law lets hold it.
  id_number: ['id_number'],
  offline_access: [],
};

export const knownScopes = Object.keys(scopeClaims);

/** Claims an RP may receive given its scopes; `verified_claims` comes with `profile`. */
export function claimsForScopes(scopes: readonly string[]): string[] {
  const claims = new Set(scopes.flatMap((scope) => scopeClaims[scope] ?? []));
  if (scopes.includes('profile')) claims.add('verified_claims');
  return [...claims];
}

/** How the consent screen names each claim (vi first, en second). */
export const claimLabels: Readonly<Record<string, { vi: string; en: string }>> = {
  sub: {
    vi: 'Mã định danh ẩn danh dành riêng cho dịch vụ',
    en: 'A pseudonymous identifier for this service',
  },
  name: { vi: 'Họ, chữ đệm và tên', en: 'Full name' },
  birthdate: { vi: 'Ngày sinh', en: 'Date of birth' },
  gender: { vi: 'Giới tính', en: 'Sex' },
  address: { vi: 'Nơi thường trú', en: 'Permanent address' },
  phone_number: { vi: 'Số điện thoại', en: 'Phone number' },
  id_number: { vi: 'Số định danh cá nhân', en: 'Personal identification number' },
  verified_claims: {
    vi: 'Thông tin đã được xác minh và mức định danh',
    en: 'Verified data and assurance level',
  },
};
