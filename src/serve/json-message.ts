import { ServeError, ServeErrorCodes } from './errors.js';

/** A text frame that must be a JSON object; anything else is a bad frame. */
export function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ServeError(ServeErrorCodes.BAD_FRAME, `${what}: a text frame that is not JSON (${JSON.stringify(text.slice(0, 40))})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ServeError(ServeErrorCodes.BAD_FRAME, `${what}: a text frame that is not a JSON object`);
  return value as Record<string, unknown>;
}

export function objectField(message: Record<string, unknown>, name: string, what: string): Record<string, unknown> {
  const value = message[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ServeError(ServeErrorCodes.BAD_FRAME, `${what}: \`${name}\` must be an object`);
  return value as Record<string, unknown>;
}

export function stringField(message: Record<string, unknown>, name: string, what: string): string {
  const value = message[name];
  if (typeof value !== 'string' || value === '') throw new ServeError(ServeErrorCodes.BAD_FRAME, `${what}: \`${name}\` must be a non-empty string`);
  return value;
}
