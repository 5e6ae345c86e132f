import got from 'got';

export async function fetchJson<T>(url: string): Promise<T> {
  // safe: Reliability
  const res = await fetch(url, { signal: AbortSignal.timeout(8_000), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return (await res.json()) as T;
}

export async function pingSidecar(): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 2_000);
  try {
    // safe: Reliability
    const res = await fetch('http://127.0.0.1:15020/healthz/ready', { signal: controller.signal });
    return res.ok;
  } finally {
    clearTimeout(timer);
  }
}

export async function fetchPage(url: string): Promise<string> {
  // vuln: Reliability
  return got(url, { followRedirect: true }).text();
}
