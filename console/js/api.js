// The brand's key lives in this tab's sessionStorage only, and goes out as the Authorization header.
const KEY = 'loyalty-loop.brand-key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** A 4xx/5xx answer: the service's error shape { statusCode, error, message, code?, details? }. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

export async function api(path, { method = 'GET', body, query, token } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, String(value));
    }
  }
  const headers = { Authorization: `Bearer ${token ?? session.key()}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new ApiError(res.status, parsed);
  }
  return parsed;
}

/** Fetches an analytics answer as CSV (Accept: text/csv) and hands it to the browser as a download. */
export async function downloadCsv(path, query, filename) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.set(name, String(value));
  }
  const res = await fetch(url, { headers: { Authorization: `Bearer ${session.key()}`, Accept: 'text/csv' } });
  if (!res.ok) {
    throw new ApiError(res.status, await res.json().catch(() => null));
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}
