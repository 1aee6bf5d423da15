/** One HTTP answer, the body parsed when it is JSON. */
export interface HttpResult {
  status: number;
  body: any;
}

export interface HttpOptions {
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (a malformed body, say); JSON content type unless `headers` says otherwise. */
  raw?: string;
  form?: FormData;
  headers?: Record<string, string>;
}

/** A request to a running server at `base`, as a client or the app's server makes it. */
export async function httpCall(base: string, method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | FormData | undefined = options.form ?? options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (typeof body === 'string') headers['content-type'] ??= 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed };
}
