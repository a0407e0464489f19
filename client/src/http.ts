import type { ErrorBody } from '@carechat/protocol';
import { CareChatError } from './errors.js';

export interface HttpOptions {
  /** The server's origin, e.g. `https://chat.example.org`; '' for the page's own. */
  baseUrl: string;
  /** The bearer token when signed in with one (a host JWT, an accessToken); else the session cookie. */
  token: () => string | undefined;
  /** Each call made on the person's behalf: the server counts it as activity. */
  onRequest?: () => void;
  /** Each error answer, before it is thrown (an UNAUTHENTICATED one means signed out). */
  onError?: (error: CareChatError) => void;
}

/** One REST call: resolves with the answer's JSON (undefined for 204), throws a CareChatError. */
export type Http = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * The headers and credentials of every request. A bearer token goes in the header and no
 * cookie rides along (never cookies across sites); without one the session cookie
 * authenticates, which only a same-origin page has.
 */
export function authOf(token: string | undefined): {
  headers: Record<string, string>;
  credentials: RequestCredentials;
} {
  return token
    ? { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' }
    : { headers: {}, credentials: 'same-origin' };
}

/** A response's status and text as the API's answer: its JSON, or the error it carries. */
export function answerOf<T>(status: number, text: string, fallback: string): T {
  let data: { error?: ErrorBody } | null = null;
  try {
    data = text ? (JSON.parse(text) as { error?: ErrorBody }) : null;
  } catch {
    // Not JSON (a proxy's error page): the status alone says what happened.
  }
  if (status >= 200 && status < 300) return (data ?? undefined) as T;
  throw new CareChatError(data?.error?.code ?? 'INTERNAL', data?.error?.message ?? fallback, status);
}

export const NETWORK_MESSAGE = 'Cannot reach CareChat. Check your connection.';

export function createHttp(options: HttpOptions): Http {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    options.onRequest?.();
    const { headers, credentials } = authOf(options.token());
    const form = typeof FormData !== 'undefined' && body instanceof FormData;
    let res: Response;
    try {
      res = await fetch(`${options.baseUrl}${path}`, {
        method,
        credentials,
        headers: body === undefined || form ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
      });
    } catch {
      throw new CareChatError('NETWORK', NETWORK_MESSAGE);
    }
    try {
      return answerOf<T>(res.status, await res.text().catch(() => ''), 'Something went wrong');
    } catch (err) {
      if (err instanceof CareChatError) options.onError?.(err);
      throw err;
    }
  };
}

/** A query string from the values that are set: `?a=1&b=x`, or '' when none is. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const set = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return set.length ? `?${set.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}` : '';
}
