/**
 * An operation that was refused or failed for a reason the user must act on
 * (lint errors, the lock is held, a statement failed). The CLI prints the message
 * and exits 1; it is never an internal error.
 */
export class ExecError extends Error {
  override readonly name = 'ExecError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The fields both drivers' errors carry (pg's DatabaseError and PGlite's share them). */
export interface ServerError {
  message: string;
  code?: string;
  /** 1-based character position in the statement text. */
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

export function serverError(e: unknown): ServerError {
  const err = e as Record<string, unknown> | undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const position = err?.position !== undefined ? Number(err.position) : undefined;
  return {
    message: str(err?.message) ?? String(e),
    code: str(err?.code),
    position: position !== undefined && Number.isFinite(position) && position > 0 ? position : undefined,
    detail: str(err?.detail),
    hint: str(err?.hint),
    where: str(err?.where),
  };
}

/** SQLSTATE 55P03: lock_not_available (lock_timeout expired, NOWAIT). */
export const LOCK_NOT_AVAILABLE = '55P03';

export function describeServerError(err: ServerError): string {
  let out = err.message;
  if (err.code) out += ` (SQLSTATE ${err.code})`;
  if (err.detail) out += `\n  detail: ${err.detail}`;
  if (err.hint) out += `\n  hint: ${err.hint}`;
  return out;
}
