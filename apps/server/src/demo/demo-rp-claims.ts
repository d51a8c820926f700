import { ACR_LEVEL1, ACR_LEVEL2, claimLabels } from '@dinhdanh/oidc';

/**
 * What the demo relying party received, as a person reads it: each claim under its label
 * (Vietnamese, then English, as the consent screen names it), dates as dd/mm/yyyy, the address as
 * written, the level and the login methods in words — not JSON.
 */
export interface ReceivedClaim {
  /** The OIDC claim name (kept for tests and the curious: `data-claim`). */
  claim: string;
  label: { vi: string; en: string };
  value: { vi: string; en?: string };
}

const extraLabels: Record<string, { vi: string; en: string }> = {
  acr: { vi: 'Mức định danh khi đăng nhập', en: 'Assurance level of this login' },
  amr: { vi: 'Cách đăng nhập', en: 'How the person logged in' },
};

const amrWords: Record<string, { vi: string; en: string }> = {
  pwd: { vi: 'mật khẩu', en: 'password' },
  sms: { vi: 'mã SMS', en: 'SMS code' },
  otp: { vi: 'mã từ ứng dụng xác thực', en: 'authenticator app code' },
  hwk: { vi: 'khoá truy cập (passkey)', en: 'passkey' },
  swk: { vi: 'khoá truy cập (passkey)', en: 'passkey' },
  user: { vi: 'xác minh người dùng trên thiết bị', en: 'user verified on the device' },
  mca: { vi: 'xác nhận bằng ví trên điện thoại', en: 'approved from the wallet' },
  face: { vi: 'khuôn mặt', en: 'face' },
};

/** `yyyy-mm-dd` → `dd/mm/yyyy`; anything else as it came. */
export function vietnameseDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as `dd/mm/yyyy hh:mm`, Vietnam's time. */
export function vietnameseDateTime(instant: string): string {
  const at = new Date(instant);
  return Number.isNaN(at.getTime()) ? instant : dateTime.format(at).replace(',', '');
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function present(claim: string, value: unknown): ReceivedClaim['value'] {
  switch (claim) {
    case 'birthdate':
      return { vi: vietnameseDate(text(value)) };
    case 'gender':
      return value === 'female' ? { vi: 'Nữ', en: 'female' } : { vi: 'Nam', en: 'male' };
    case 'address': {
      const address = value as { formatted?: string; locality?: string; region?: string };
      return {
        vi: address.formatted ?? [address.locality, address.region].filter(Boolean).join(', '),
      };
    }
    case 'acr':
      return value === ACR_LEVEL2
        ? { vi: 'Mức 2', en: 'level 2' }
        : value === ACR_LEVEL1
          ? { vi: 'Mức 1', en: 'level 1' }
          : { vi: text(value) };
    case 'amr': {
      const methods = (Array.isArray(value) ? value : [value]).map((method) => amrWords[String(method)]);
      const known = methods.filter((method) => method !== undefined);
      if (known.length !== methods.length) return { vi: text(value) };
      return {
        vi: known.map((method) => method.vi).join(' + '),
        en: known.map((method) => method.en).join(' + '),
      };
    }
    case 'verified_claims': {
      const time = (value as { verification?: { time?: string } }).verification?.time;
      return {
        vi: `Đã xác minh trực tiếp bằng thẻ căn cước${time ? ` lúc ${vietnameseDateTime(time)}` : ''}`,
        en: 'verified in person with the ID card',
      };
    }
    case 'phone_number_verified':
    case 'email_verified':
      return value === true ? { vi: 'Có', en: 'yes' } : { vi: 'Không', en: 'no' };
    default:
      return { vi: text(value) };
  }
}

const order = [
  'name',
  'birthdate',
  'gender',
  'id_number',
  'address',
  'phone_number',
  'verified_claims',
  'acr',
  'amr',
  'sub',
];

/** The claims in reading order (known ones first), each labelled and formatted. */
export function receivedClaims(claims: Record<string, unknown>): ReceivedClaim[] {
  const rank = (claim: string) => (order.includes(claim) ? order.indexOf(claim) : order.length);
  return Object.entries(claims)
    .filter(([, value]) => value !== undefined && value !== null)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([claim, value]) => ({
      claim,
      label: claimLabels[claim] ?? extraLabels[claim] ?? { vi: claim, en: claim },
      value: present(claim, value),
    }));
}
