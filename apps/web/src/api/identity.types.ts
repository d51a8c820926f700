/**
 * The identity and OpenID-interaction APIs' shapes as the web app reads them
 * (docs/adr/0005-eid-accounts-and-openid-provider.md). As with the registry shapes, the
 * browser bundle does not import the server's zod schemas; fields the server may leave out
 * are optional here, so the pages degrade rather than break.
 */

export type AccountLevel = 1 | 2;
export type AccountKind = 'citizen' | 'foreigner' | 'organisation';
export type OtpMethod = 'sms' | 'totp';

export interface Registration {
  registrationId: string;
  maskedPhone: string;
  expiresAt: string;
  /** How long the SMS code stays valid: the SMS and the page state the same. */
  codeValidForSeconds: number;
}

export interface Account {
  accountId: string;
  level: AccountLevel | null;
  kind?: AccountKind | (string & {});
  status?: 'active' | 'locked' | (string & {});
  maskedPhone?: string | null;
  fullName?: string | null;
  name?: string | null;
  idNumber?: string | null;
  dateOfBirth?: string | null;
  totpEnabled?: boolean;
  passkeyCount?: number;
  /** Active lock grounds (`holder`, `officer`, `death`, …); empty when usable. */
  locks?: (string | AccountLock)[];
  createdAt?: string;
}

export interface AccountLock {
  ground: string;
  reason?: string | null;
  lockedAt?: string;
  lockedBy?: string | null;
}

export interface LoginStart {
  loginId: string;
  methods: OtpMethod[];
  maskedPhone?: string | null;
  codeValidForSeconds: number;
}

export interface SessionInfo {
  sessionId: string;
  acr?: string;
  amr?: string[];
  createdAt?: string;
  authTime?: string;
  lastSeenAt?: string;
  expiresAt?: string;
  userAgent?: string | null;
  device?: string | null;
  ip?: string | null;
  current?: boolean;
}

export interface LoggedIn {
  account: Account;
  session?: SessionInfo;
}

export interface PasskeyOptions<T> {
  challengeId: string;
  options: T;
}

export interface Passkey {
  passkeyId: string;
  label?: string | null;
  synced?: boolean;
  createdAt?: string;
  lastUsedAt?: string | null;
}

export interface TotpStart {
  otpauthUri?: string;
  otpauthUrl?: string;
  uri?: string;
  secret?: string;
}

export interface QrLogin {
  qrLoginId: string;
  qrText: string;
  expiresAt: string;
}

export type QrLoginStatus = 'pending' | 'approved' | 'expired' | 'denied';

/** What a desktop QR login asks the wallet to approve. */
export interface QrApproval {
  qrLoginId: string;
  requestedAt?: string;
  expiresAt?: string;
  /** The asking browser as a short label ("Chrome 131 · Android"), parsed by the server. */
  device?: string | null;
  /** What the login page said it was for: the page's own words, not a verified fact. */
  clientName?: string | null;
  purpose?: string | null;
}

export interface Dependent {
  idNumber?: string;
  fullName: string;
  dateOfBirth?: string;
  sex?: string;
  age?: number;
  relation?: 'child' | 'ward' | (string & {});
  /** The dependent holds an eID account of their own. */
  hasAccount?: boolean;
  /** This holder may open a level-1 account for them now (Decree 69). */
  canCreateAccount?: boolean;
}

export interface DependentAccountCreated extends Dependent {
  accountId: string;
}

/** One relying party the citizen has allowed to receive claims. */
export interface Consent {
  consentId?: string;
  clientId: string;
  clientName?: string | null;
  claims?: string[];
  scopes?: string[];
  grantedAt?: string;
  updatedAt?: string;
}

export interface InteractionClient {
  clientId?: string;
  name?: string | null;
  clientName?: string | null;
  logoUri?: string | null;
}

/** A claim to be released, with the server's own wording in both languages. */
export interface ClaimLabel {
  name: string;
  vi?: string;
  en?: string;
}

/** `GET /api/oidc/v1/interactions/{uid}`. */
export interface Interaction {
  uid: string;
  prompt: 'login' | 'consent' | (string & {});
  client: InteractionClient;
  /** Claims to be released: names, or names with their labels. */
  claims?: (string | ClaimLabel)[];
  scopes?: string[];
  requiredLevel?: AccountLevel;
  /** This browser's identity session, if any, and whether it is enough for this request. */
  session?: {
    level?: AccountLevel;
    accountLevel?: AccountLevel | null;
    amr?: string[];
    authTime?: string;
    satisfies?: boolean;
  } | null;
  /** The signed-in account is level 1 but the relying party asks for level 2. */
  upgradeRequired?: boolean;
  /** The account is level 2 but this session is single-factor: log in again with two factors. */
  stepUpRequired?: boolean;
}

export interface RedirectTo {
  redirectTo: string;
}

export interface OfficerAccountSummary extends Account {
  cardNumber?: string | null;
  level2At?: string | null;
}
