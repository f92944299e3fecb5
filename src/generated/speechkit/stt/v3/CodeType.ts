// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

/**
 * Package-level, not nested in StatusCode.
 */
export const CodeType = {
  /**
   * @deprecated
   */
  CODE_TYPE_UNSPECIFIED: 'CODE_TYPE_UNSPECIFIED',
  /**
   * The session is alive (sent at a fixed interval as a keep-alive).
   */
  WORKING: 'WORKING',
  WARNING: 'WARNING',
  CLOSED: 'CLOSED',
} as const;

/**
 * Package-level, not nested in StatusCode.
 */
export type CodeType =
  | 'CODE_TYPE_UNSPECIFIED'
  | 0
  /**
   * The session is alive (sent at a fixed interval as a keep-alive).
   */
  | 'WORKING'
  | 1
  | 'WARNING'
  | 2
  | 'CLOSED'
  | 3

/**
 * Package-level, not nested in StatusCode.
 */
export type CodeType__Output = typeof CodeType[keyof typeof CodeType]
