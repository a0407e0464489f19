import type { ErrorBody } from '@carechat/protocol';

/** An error answer from the API, with its protocol code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorBody['code'] | 'NETWORK',
    message: string,
  ) {
    super(message);
  }
}

/** When this page last did something on the person's behalf: the server counts it as activity. */
export const activity = { last: Date.now() };

/**
 * The only place the web app calls fetch. The session rides in the HttpOnly cookie (never in
 * storage a script can read), so every call is same-origin with credentials.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  activity.last = Date.now();
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach CareChat. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: ErrorBody } | null;
  // The session now owes two-factor enrolment (turned off elsewhere): the app shows that screen.
  if (data?.error?.code === 'MFA_ENROLLMENT_REQUIRED') window.dispatchEvent(new CustomEvent('carechat:mfa-enrollment-required'));
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'INTERNAL', data?.error?.message ?? 'Something went wrong');
  return data as T;
}

/** Uploads one file with progress (fetch cannot report upload progress; XHR can). */
export function uploadFile<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Upload failed: no connection'));
    xhr.onload = () => {
      let data: { error?: ErrorBody } | null = null;
      try {
        data = JSON.parse(xhr.responseText) as { error?: ErrorBody };
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new ApiError(xhr.status, data?.error?.code ?? 'INTERNAL', data?.error?.message ?? 'Upload failed'));
    };
    xhr.send(form);
  });
}
