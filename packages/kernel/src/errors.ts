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
