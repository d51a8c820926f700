/**
 * The closed catalogue of error codes. Every error a client can see is one of these,
 * with a stable code, an HTTP status and a message in Vietnamese and English.
 * Adding a code is an API change: clients branch on `code`, never on the message.
 */
export const errorCatalogue = {
  ERR_VALIDATION: { status: 400, vi: 'Dữ liệu gửi lên không hợp lệ.', en: 'The request data is invalid.' },
  ERR_MALFORMED_JSON: {
    status: 400,
    vi: 'Nội dung JSON không đúng cú pháp.',
    en: 'The JSON body is malformed.',
  },
  ERR_PAYLOAD_TOO_LARGE: {
    status: 413,
    vi: 'Nội dung gửi lên quá lớn.',
    en: 'The request body is too large.',
  },
  ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    vi: 'Kiểu nội dung không được hỗ trợ.',
    en: 'The content type is not supported.',
  },
  ERR_NOT_FOUND: { status: 404, vi: 'Không tìm thấy tài nguyên.', en: 'The resource was not found.' },
  ERR_RATE_LIMITED: {
    status: 429,
    vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau.',
    en: 'Too many requests; try again later.',
  },
  ERR_UNAUTHENTICATED: {
    status: 401,
    vi: 'Chưa xác thực hoặc mã truy cập không hợp lệ.',
    en: 'Not authenticated or the access token is invalid.',
  },
  ERR_FORBIDDEN: {
    status: 403,
    vi: 'Không có quyền thực hiện thao tác này.',
    en: 'You are not allowed to do this.',
  },
  ERR_FORBIDDEN_UNIT: {
    status: 403,
    vi: 'Cán bộ chỉ được ghi dữ liệu trong đơn vị hành chính được giao.',
    en: 'An officer may write only within their assigned administrative unit.',
  },
  ERR_INTERNAL: { status: 500, vi: 'Lỗi hệ thống.', en: 'Internal error.' },
  ERR_UNAVAILABLE: {
    status: 503,
    vi: 'Dịch vụ tạm thời không sẵn sàng.',
    en: 'The service is temporarily unavailable.',
  },
  ERR_DEADLINE_EXCEEDED: {
    status: 503,
    vi: 'Yêu cầu không hoàn thành trong thời hạn cho phép. Vui lòng thử lại sau.',
    en: 'The request could not be completed within its deadline. Try again later.',
  },
  ERR_OVERLOADED: {
    status: 503,
    vi: 'Hệ thống đang quá tải, vui lòng thử lại sau giây lát.',
    en: 'The service is overloaded; try again shortly.',
  },
  ERR_CONFIG_INVALID: { status: 500, vi: 'Cấu hình không hợp lệ.', en: 'The configuration is invalid.' },

  ERR_ID_NUMBER_INVALID: {
    status: 400,
    vi: 'Số định danh cá nhân không hợp lệ.',
    en: 'The personal identification number is invalid.',
  },
  ERR_ID_NUMBER_EXHAUSTED: {
    status: 409,
    vi: 'Không còn số định danh trống cho tổ hợp tỉnh, giới tính và năm sinh này.',
    en: 'No free identification numbers remain for this province, sex and birth year.',
  },
  ERR_PERSON_NOT_FOUND: { status: 404, vi: 'Không tìm thấy công dân.', en: 'The person was not found.' },
  ERR_HOUSEHOLD_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy hộ gia đình.',
    en: 'The household was not found.',
  },
  ERR_ADMIN_UNIT_UNKNOWN: {
    status: 400,
    vi: 'Đơn vị hành chính không tồn tại.',
    en: 'The administrative unit does not exist.',
  },
  ERR_DATE_OF_BIRTH_INVALID: {
    status: 400,
    vi: 'Ngày sinh không hợp lệ (trong tương lai hoặc không khớp số định danh).',
    en: 'The date of birth is invalid (in the future or inconsistent with the ID number).',
  },
  ERR_PERSON_DECEASED: {
    status: 409,
    vi: 'Công dân đã được ghi nhận là đã chết.',
    en: 'The person is already recorded as deceased.',
  },
  ERR_DATE_INVALID: { status: 400, vi: 'Ngày không hợp lệ.', en: 'The date is invalid.' },
  ERR_MARRIAGE_INVALID: {
    status: 409,
    vi: 'Không thể đăng ký kết hôn (đã có vợ/chồng, kết hôn với chính mình, chưa đủ tuổi hoặc đã chết).',
    en: 'The marriage cannot be registered (already married, self, under age or deceased).',
  },
  ERR_DIVORCE_INVALID: {
    status: 409,
    vi: 'Hai người không phải là vợ chồng.',
    en: 'The two people are not married to each other.',
  },
  ERR_PARENT_INVALID: {
    status: 409,
    vi: 'Cha hoặc mẹ không hợp lệ (giới tính, tuổi hoặc không tồn tại).',
    en: 'The father or mother is invalid (sex, age or not found).',
  },
  ERR_PARENT_ALREADY_RECORDED: {
    status: 409,
    vi: 'Công dân đã có thông tin cha hoặc mẹ này; muốn thay đổi phải qua thủ tục xác định lại cha, mẹ, con.',
    en: 'This father or mother is already recorded; changing them takes a re-determination of parentage.',
  },
  ERR_SEARCH_TOO_BROAD: {
    status: 400,
    vi: 'Chỉ xem được 10.000 kết quả đầu tiên; hãy thêm ngày sinh hoặc tỉnh để thu hẹp tìm kiếm.',
    en: 'Only the first 10,000 results can be shown; add a date of birth or province to narrow the search.',
  },
  ERR_FIELD_NOT_CORRECTABLE: {
    status: 400,
    vi: 'Trường này không được sửa bằng thủ tục điều chỉnh.',
    en: 'This field cannot be changed by a correction.',
  },
  ERR_CONFLICT: {
    status: 409,
    vi: 'Dữ liệu đã bị thay đổi, vui lòng thử lại.',
    en: 'The data changed concurrently; please retry.',
  },

  // ── eID accounts (packages/identity) ──
  ERR_REGISTRATION_MISMATCH: {
    status: 400,
    vi: 'Thông tin đăng ký không khớp với Cơ sở dữ liệu quốc gia về dân cư.',
    en: 'The registration details do not match the National Population Database.',
  },
  ERR_REGISTRATION_EXPIRED: {
    status: 410,
    vi: 'Phiên đăng ký đã hết hạn, vui lòng đăng ký lại.',
    en: 'The registration has expired; please start again.',
  },
  ERR_REGISTRATION_STEP: {
    status: 409,
    vi: 'Bước đăng ký không đúng thứ tự.',
    en: 'This registration step is out of order.',
  },
  ERR_ACCOUNT_EXISTS: {
    status: 409,
    vi: 'Công dân đã có tài khoản định danh điện tử.',
    en: 'This person already has an eID account.',
  },
  ERR_ACCOUNT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy tài khoản định danh điện tử.',
    en: 'The eID account was not found.',
  },
  ERR_ACCOUNT_LOCKED: {
    status: 403,
    vi: 'Tài khoản định danh điện tử đang bị khóa.',
    en: 'The eID account is locked.',
  },
  ERR_NOT_ELIGIBLE: {
    status: 403,
    vi: 'Không đủ điều kiện để có tài khoản định danh điện tử theo cách này.',
    en: 'Not eligible for an eID account this way.',
  },
  ERR_OTP_INVALID: {
    status: 400,
    vi: 'Mã xác thực không đúng.',
    en: 'The verification code is incorrect.',
  },
  ERR_OTP_EXPIRED: {
    status: 410,
    vi: 'Mã xác thực đã hết hạn hoặc đã được sử dụng.',
    en: 'The verification code has expired or was already used.',
  },
  ERR_FACE_MISMATCH: {
    status: 400,
    vi: 'Ảnh khuôn mặt không khớp với ảnh chân dung trong cơ sở dữ liệu.',
    en: 'The face capture does not match the portrait on record.',
  },
  ERR_FINGERPRINT_MISMATCH: {
    status: 400,
    vi: 'Vân tay không khớp với dữ liệu trong cơ sở dữ liệu.',
    en: 'The fingerprint does not match the record.',
  },
  ERR_BIOMETRIC_REFERENCE_MISSING: {
    status: 409,
    vi: 'Cơ sở dữ liệu chưa có dữ liệu sinh trắc học để đối chiếu.',
    en: 'The database holds no biometric reference to compare with.',
  },
  ERR_PASSWORD_WEAK: {
    status: 400,
    vi: 'Mật khẩu quá yếu hoặc quá phổ biến, vui lòng chọn mật khẩu khác.',
    en: 'The password is too weak or too common; choose another.',
  },
  ERR_LOGIN_FAILED: {
    status: 401,
    vi: 'Thông tin đăng nhập không đúng.',
    en: 'The login details are incorrect.',
  },
  ERR_LOGIN_EXPIRED: {
    status: 410,
    vi: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.',
    en: 'The login attempt has expired; please log in again.',
  },
  ERR_LOGIN_THROTTLED: {
    status: 429,
    vi: 'Đăng nhập sai quá nhiều lần, vui lòng thử lại sau.',
    en: 'Too many failed logins; try again later.',
  },
  ERR_PASSKEY_INVALID: {
    status: 400,
    vi: 'Khóa truy cập (passkey) không hợp lệ.',
    en: 'The passkey response is invalid.',
  },
  ERR_TOTP_NOT_ENROLLED: {
    status: 409,
    vi: 'Tài khoản chưa đăng ký ứng dụng xác thực.',
    en: 'No authenticator app is enrolled on this account.',
  },
  ERR_QR_LOGIN_EXPIRED: {
    status: 410,
    vi: 'Mã QR đăng nhập đã hết hạn hoặc đã được sử dụng.',
    en: 'The QR login has expired or was already used.',
  },
  ERR_LEVEL_INSUFFICIENT: {
    status: 403,
    vi: 'Cần tài khoản định danh điện tử mức độ 2.',
    en: 'A level-2 eID account is required.',
  },
  // ── end of eID accounts ──

  // ── OpenID provider (packages/oidc) ──
  ERR_OIDC_CLIENT_INVALID: {
    status: 400,
    vi: 'Thông tin đăng ký bên sử dụng dịch vụ (RP) không hợp lệ.',
    en: 'The relying-party registration is invalid.',
  },
  ERR_EXCHANGE_AGENCY_INVALID: {
    status: 400,
    vi: 'Đăng ký cơ quan khai thác không hợp lệ.',
    en: 'The agency registration is invalid.',
  },
  ERR_EXCHANGE_AGENCY_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy cơ quan khai thác.',
    en: 'The agency was not found.',
  },
  ERR_EXCHANGE_SCOPE: {
    status: 403,
    vi: 'Mã truy cập không có phạm vi (scope) cần cho thao tác này.',
    en: 'The access token lacks the scope this operation needs.',
  },
  ERR_EXCHANGE_PURPOSE: {
    status: 403,
    vi: 'Cơ quan không được cấp mục đích khai thác này.',
    en: 'The agency has not been granted this purpose.',
  },
  ERR_EXCHANGE_FIELD_NOT_ALLOWED: {
    status: 403,
    vi: 'Trường dữ liệu nằm ngoài chính sách của mục đích khai thác.',
    en: 'The field is outside the policy of this purpose.',
  },
  ERR_EXCHANGE_NO_LEGAL_BASIS: {
    status: 403,
    vi: 'Không có căn cứ pháp lý hoặc sự đồng ý của công dân cho việc khai thác này.',
    en: "There is neither a legal basis nor the citizen's consent for this lookup.",
  },
  ERR_EXCHANGE_QUOTA: {
    status: 429,
    vi: 'Cơ quan đã dùng hết hạn mức trong ngày.',
    en: 'The agency has used up its daily quota.',
  },
  ERR_EXCHANGE_BATCH_TOO_LARGE: {
    status: 413,
    vi: 'Lô yêu cầu vượt quá 1.000 bản ghi.',
    en: 'The batch holds more than 1,000 records.',
  },
  ERR_EXCHANGE_JOB_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy tác vụ đối sánh.',
    en: 'The matching job was not found.',
  },
  ERR_EXCHANGE_JOB_NOT_READY: {
    status: 409,
    vi: 'Tác vụ đối sánh chưa hoàn thành.',
    en: 'The matching job has not finished.',
  },
  ERR_EXCHANGE_FILE_MALFORMED: {
    status: 400,
    vi: 'Tệp dữ liệu không đúng định dạng.',
    en: 'The data file is malformed.',
  },
  ERR_EXCHANGE_DOCUMENT_INVALID: {
    status: 400,
    vi: 'Giấy tờ gửi lên không hợp lệ.',
    en: 'The pushed document is invalid.',
  },
  ERR_EXCHANGE_DOCUMENT_KIND: {
    status: 403,
    vi: 'Cơ quan không được cập nhật loại giấy tờ này.',
    en: 'The agency may not push this kind of document.',
  },
  ERR_EXCHANGE_SUBSCRIPTION_INVALID: {
    status: 400,
    vi: 'Đăng ký nhận sự kiện không hợp lệ.',
    en: 'The event subscription is invalid.',
  },
  ERR_EXCHANGE_EVENT_TYPE: {
    status: 403,
    vi: 'Cơ quan không được nhận loại sự kiện này.',
    en: 'The agency may not receive this event type.',
  },
  ERR_OIDC_CLIENT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy bên sử dụng dịch vụ (RP).',
    en: 'The relying party was not found.',
  },
  ERR_OIDC_INTERACTION_NOT_FOUND: {
    status: 404,
    vi: 'Yêu cầu đăng nhập không tồn tại hoặc đã hết hạn, vui lòng bắt đầu lại từ dịch vụ.',
    en: 'The login request does not exist or has expired; start again from the service.',
  },
  ERR_OIDC_INTERACTION_STATE: {
    status: 409,
    vi: 'Yêu cầu đăng nhập không ở bước này.',
    en: 'The login request is not at this step.',
  },
  ERR_OIDC_CONSENT_NOT_FOUND: {
    status: 404,
    vi: 'Không có sự đồng ý chia sẻ dữ liệu với dịch vụ này.',
    en: 'There is no data-sharing consent for this service.',
  },
  // ── end of OpenID provider ──
  // ── Chip card: verification ──
  ERR_CARD_INPUT_TOO_LARGE: {
    status: 413,
    vi: 'Tệp dữ liệu chip vượt quá kích thước cho phép.',
    en: 'The chip file exceeds the allowed size.',
  },
  ERR_CARD_TLV_MALFORMED: {
    status: 400,
    vi: 'Cấu trúc TLV/DER của dữ liệu chip không hợp lệ.',
    en: 'The TLV/DER structure of the chip data is malformed.',
  },
  ERR_CARD_LDS_MALFORMED: {
    status: 400,
    vi: 'Nhóm dữ liệu (EF.COM/DG) trên chip không hợp lệ.',
    en: 'A chip data group (EF.COM/DG) is malformed.',
  },
  ERR_CARD_SOD_MALFORMED: {
    status: 400,
    vi: 'Đối tượng bảo mật (EF.SOD) không hợp lệ.',
    en: 'The document security object (EF.SOD) is malformed.',
  },
  ERR_CARD_CERTIFICATE_MALFORMED: {
    status: 400,
    vi: 'Chứng thư số không hợp lệ.',
    en: 'The certificate is malformed.',
  },
  ERR_CARD_MASTER_LIST_MALFORMED: {
    status: 400,
    vi: 'Danh sách CSCA (master list) không hợp lệ.',
    en: 'The CSCA master list is malformed.',
  },
  ERR_CARD_UNSUPPORTED_ALGORITHM: {
    status: 400,
    vi: 'Thuật toán mật mã không được hỗ trợ.',
    en: 'The cryptographic algorithm is not supported.',
  },
  ERR_CARD_VERIFICATION_FAILED: {
    status: 422,
    vi: 'Thẻ căn cước gắn chip không xác thực được.',
    en: 'The chip card failed verification.',
  },
  // ── end of Chip card: verification ──
  // ── Chip card: issuance (packages/card pki/issue, registry card records) ──
  ERR_CARD_PKI_NOT_INITIALISED: {
    status: 409,
    vi: 'Chưa khởi tạo hạ tầng khóa (CSCA) cho thẻ căn cước.',
    en: 'The card PKI (CSCA) has not been initialised.',
  },
  ERR_CARD_SIGNER_UNAVAILABLE: {
    status: 409,
    vi: 'Không có chứng thư ký tài liệu (Document Signer) còn hiệu lực.',
    en: 'No usable Document Signer certificate is available.',
  },
  ERR_CARD_NOT_ELIGIBLE: {
    status: 422,
    vi: 'Công dân không đủ điều kiện cấp thẻ căn cước.',
    en: 'The person is not eligible for an ID card.',
  },
  ERR_CARD_DATA_INVALID: {
    status: 400,
    vi: 'Dữ liệu in trên thẻ không hợp lệ.',
    en: 'The data to put on the card is invalid.',
  },
  ERR_CARD_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy thẻ căn cước còn hiệu lực của công dân.',
    en: 'The person has no active ID card.',
  },
  ERR_CARD_QR_MALFORMED: {
    status: 400,
    vi: 'Mã QR trên thẻ căn cước không đúng định dạng.',
    en: 'The ID card QR code is malformed.',
  },
  // ── end of Chip card: issuance ──
  // ── Operations: backup and restore ──
  ERR_DATABASE_IN_USE: {
    status: 409,
    vi: 'Cơ sở dữ liệu đang được tiến trình khác dùng; hãy dừng máy chủ (dinhdanh serve) trước.',
    en: 'The database is in use by another process; stop the server (dinhdanh serve) first.',
  },
  ERR_BACKUP_INVALID: {
    status: 400,
    vi: 'Tệp không phải bản sao lưu dinhdanh, hoặc đã bị hỏng; không có gì bị thay đổi.',
    en: 'The file is not a dinhdanh backup, or it is damaged; nothing was changed.',
  },
  ERR_BACKUP_INCOMPATIBLE: {
    status: 409,
    vi: 'Bản sao lưu không khôi phục được vào cơ sở dữ liệu này; không có gì bị thay đổi.',
    en: 'The backup cannot be restored into this database; nothing was changed.',
  },
  ERR_BACKUP_TOOL: {
    status: 500,
    vi: 'Không có công cụ sao lưu PostgreSQL (pg_dump, pg_restore) phù hợp với phiên bản máy chủ.',
    en: 'No PostgreSQL backup tools (pg_dump, pg_restore) suitable for the server version were found.',
  },
  ERR_BACKUP_FAILED: {
    status: 500,
    vi: 'Sao lưu hoặc khôi phục thất bại.',
    en: 'The backup or restore failed.',
  },
  ERR_RESTORE_TARGET_NOT_EMPTY: {
    status: 409,
    vi: 'Nơi khôi phục đã có dữ liệu; thêm --force để thay thế (dữ liệu cũ được giữ lại, không bị xoá).',
    en: 'The restore target already holds data; add --force to replace it (the old data is kept, not deleted).',
  },
  // ── end of Operations: backup and restore ──
} as const satisfies Record<string, { status: number; vi: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error whose code is in the catalogue. `detail` is safe to show to the client; `cause` is not. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    extra?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${code}: ${detail}` : code, options);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.detail = detail;
    this.extra = extra;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** RFC 9457 problem details, with the catalogue code and both languages. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  messages: { vi: string; en: string };
  [key: string]: unknown;
}

export function toProblem(error: AppError, lang: 'vi' | 'en' = 'vi', instance?: string): Problem {
  const entry = errorCatalogue[error.code];
  const problem: Problem = {
    type: `https://dinhdanh.dev/errors/${error.code}`,
    title: entry[lang],
    status: entry.status,
    code: error.code,
    messages: { vi: entry.vi, en: entry.en },
  };
  // 5xx details never leave the server.
  if (error.detail && entry.status < 500) problem.detail = error.detail;
  if (instance) problem.instance = instance;
  if (error.extra && entry.status < 500) Object.assign(problem, error.extra);
  return problem;
}
