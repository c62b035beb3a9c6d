// The types of parse-prometheus-text-format (it ships none), as far as the
// tests use it: prom2json's shape, every number a string.
declare module 'parse-prometheus-text-format' {
  /** One sample of a counter, gauge or untyped family; or one histogram or summary series. */
  export interface ParsedMetric {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One family: its name, help, type and samples. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: ParsedMetric[];
  }
  /** parsePrometheusTextFormat parses Prometheus' text exposition format. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
