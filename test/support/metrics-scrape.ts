/** `GET /metrics` read as `name{labels} value` samples (Prometheus text exposition). */
export function parseSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The value of the first sample of `name` whose labels include `labels`; undefined when none. */
export function sampleValue(
  all: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const [key, v] of all) {
    const [metric, rest = ''] = key.split('{');
    if (metric !== name) continue;
    if (Object.entries(labels).every(([k, l]) => rest.includes(`${k}="${l}"`))) return v;
  }
  return undefined;
}

/** Scrapes `baseUrl`/metrics (from loopback, allowed without a token outside production). */
export async function scrapeMetrics(baseUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parseSamples(await response.text());
}
