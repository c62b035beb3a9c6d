// Test helper (not built): `GET /metrics` scraped and parsed by a real
// Prometheus text-format parser (parse-prometheus-text-format, prom2json's
// shape), never by a regex, and read by name.
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

/** Scrape is one parsed answer of `GET /metrics`. */
export class Scrape {
  readonly #families: Map<string, ParsedFamily>;

  constructor(text: string) {
    this.#families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  }

  /** family returns the family `name`, failing the test if the scrape has none. */
  family(name: string): ParsedFamily {
    const family = this.#families.get(name);
    if (family === undefined) throw new Error(`no metric ${name} in the scrape; it has ${[...this.#families.keys()].join(', ')}`);
    return family;
  }

  /** value reads a counter or gauge: its one sample, or the one whose labels include `labels`. */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.family(name).metrics.find((metric) => Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value));
    if (sample?.value === undefined) throw new Error(`no sample of ${name} with ${JSON.stringify(labels)}`);
    return Number(sample.value);
  }

  /** histogram reads a histogram's count, sum and cumulative buckets (upper bound → count). */
  histogram(name: string): { count: number; sum: number; buckets: Map<number, number> } {
    const family = this.family(name);
    if (family.type !== 'HISTOGRAM') throw new Error(`${name} is a ${family.type}, not a histogram`);
    const [series] = family.metrics;
    return {
      count: Number(series!.count),
      sum: Number(series!.sum),
      buckets: new Map(Object.entries(series!.buckets ?? {}).map(([le, count]) => [le === '+Inf' ? Infinity : Number(le), Number(count)])),
    };
  }
}

/** scrape fetches `${base}/metrics` and parses it, checking the content type Prometheus expects. */
export async function scrape(base: string): Promise<Scrape> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`GET /metrics answered Content-Type ${type}`);
  return new Scrape(await response.text());
}
