import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiName, BrokerObserver } from '@gregor/broker';

/**
 * Prometheus metrics of one node: the process defaults plus request
 * count/latency per API (labelled with the first error of the response, or
 * NONE) and bytes/records in and out per topic. One registry per node, so
 * several in-process nodes (tests, dev tools) do not collide.
 */
export class NodeMetrics implements BrokerObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'api' | 'error'>;
  private readonly latency: Histogram<'api'>;
  private readonly bytesInTotal: Counter<'topic'>;
  private readonly recordsInTotal: Counter<'topic'>;
  private readonly bytesOutTotal: Counter<'topic'>;
  private readonly recordsOutTotal: Counter<'topic'>;

  constructor(nodeId: number) {
    this.registry.setDefaultLabels({ node: String(nodeId) });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'gregor_requests_total', help: 'Client API requests by API and first error', labelNames: ['api', 'error'], registers });
    this.latency = new Histogram({
      name: 'gregor_request_duration_seconds',
      help: 'Client API request latency (a long-polling fetch counts its wait)',
      labelNames: ['api'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.bytesInTotal = new Counter({ name: 'gregor_bytes_in_total', help: 'Record batch bytes appended', labelNames: ['topic'], registers });
    this.recordsInTotal = new Counter({ name: 'gregor_records_in_total', help: 'Records appended', labelNames: ['topic'], registers });
    this.bytesOutTotal = new Counter({ name: 'gregor_bytes_out_total', help: 'Record batch bytes fetched', labelNames: ['topic'], registers });
    this.recordsOutTotal = new Counter({ name: 'gregor_records_out_total', help: 'Records fetched', labelNames: ['topic'], registers });
  }

  requestCompleted(api: ApiName, errorName: string, durationMs: number): void {
    this.requests.inc({ api, error: errorName });
    this.latency.observe({ api }, durationMs / 1000);
  }

  bytesIn(topic: string, bytes: number, records: number): void {
    this.bytesInTotal.inc({ topic }, bytes);
    this.recordsInTotal.inc({ topic }, records);
  }

  bytesOut(topic: string, bytes: number, records: number): void {
    this.bytesOutTotal.inc({ topic }, bytes);
    this.recordsOutTotal.inc({ topic }, records);
  }
}
