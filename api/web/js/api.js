// The JSON API, called with the signed-in API key. Errors arrive as problem+json.

const KEY = "kolgraph.key";
const ME = "kolgraph.me";

export class ApiError extends Error {
  constructor(status, detail, field = null) {
    super(detail);
    this.status = status;
    this.field = field;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY),
  me: () => JSON.parse(sessionStorage.getItem(ME) || "null"),
  can: (permission) => (session.me()?.permissions || []).includes(permission),
  signIn(key, me) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ME, JSON.stringify(me));
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ME);
  },
};

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Fetch `url` with `init` and the API key `key`; resolve to the JSON body or throw ApiError. */
async function request(url, init, key) {
  let response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { "X-API-Key": key || "", Accept: "application/json", ...init.headers },
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "Cannot reach the kolgraph service. Is 'kolgraph serve' running?");
  }
  if (response.ok) return response.json();
  let detail = `The service answered ${response.status}.`;
  let field = null;
  try {
    const problem = await response.json();
    if (problem && typeof problem.detail === "string") detail = problem.detail;
    field = problem?.field ?? null;
  } catch {
    // not problem+json: keep the generic message, never a raw body
  }
  if (response.status === 401 && key === session.key()) {
    session.signOut();
    window.dispatchEvent(new CustomEvent("kolgraph:signed-out", { detail }));
  }
  throw new ApiError(response.status, detail, field);
}

/** GET `path` with `params`; resolve to the JSON body or throw ApiError. */
export function api(path, params = {}, { key = session.key() } = {}) {
  return request(path + query(params), {}, key);
}

/** POST/PUT `body` as JSON to `path`; resolve to the JSON answer or throw ApiError (with `field`). */
export function send(method, path, body) {
  return request(path, { method, headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) }, session.key());
}

/** Like api(), but a 403 resolves to {forbidden: message} so one section can say so. */
export async function apiOrForbidden(path, params = {}) {
  try {
    return await api(path, params);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { forbidden: error.message };
    throw error;
  }
}

/** A message fit for the page: the API's own detail, never a stack trace. */
export function messageOf(error) {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong in the page. Reload it and try again.";
}
