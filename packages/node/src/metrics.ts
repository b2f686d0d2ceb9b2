import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiName, BrokerObserver, BrokerStatus } from '@gregor/broker';
import type { ControllerNode, ControllerRequestObserver } from '@gregor/controller';
import { registerBrokerGauges } from './broker-metrics';
import { registerControllerMetrics } from './controller-metrics';
import { registerConsumerLagGauge, type ConsumerGroupLagSource } from './consumer-lag';
import { registerMemoryMetrics } from './memory-metrics';
import type { LogStoreMemory } from '@gregor/storage';

/** Which listener answered a request: the client API, follower fetches, or the controller quorum. */
export type RpcService = 'client' | 'replication' | 'controller';

const REPLICATION_APIS: ReadonlySet<ApiName> = new Set(['FetchFromLeader', 'OffsetsForLeaderEpoch']);

/**
 * Prometheus metrics of one node, Kafka/Redpanda-style names with a
 * `gregor_` prefix. The broker and controller know nothing of prom-client:
 * the broker calls the BrokerObserver hooks on its request path, the
 * controller calls the ControllerRequestObserver, and everything else —
 * partition counts, Raft state, fenced brokers, consumer lag — is read from
 * status snapshots when Prometheus scrapes (nothing to keep in step).
 * One registry per node, so several in-process nodes (tests, dev tools) do
 * not collide. Metric names are listed in the package README and used by
 * deploy/grafana/gregor-dashboard.json.
 */
export class NodeMetrics implements BrokerObserver {
  readonly registry = new Registry();
  /** Pass to startControllerNode: counts controller RPCs under service="controller". */
  readonly controllerRequests: ControllerRequestObserver;
  private readonly requests: Counter<'service' | 'api' | 'error'>;
  private readonly latency: Histogram<'service' | 'api'>;
  private readonly perTopic: Counter<'topic'>[];
  private readonly bytesInTotal: Counter<'topic'>;
  private readonly recordsInTotal: Counter<'topic'>;
  private readonly bytesOutTotal: Counter<'topic'>;
  private readonly recordsOutTotal: Counter<'topic'>;
  private readonly isrShrinks: Counter;
  private readonly isrExpands: Counter;
  private brokerStatus: (() => BrokerStatus | undefined) | undefined;
  private storeMemory: (() => LogStoreMemory) | undefined;
  private lagSource: ConsumerGroupLagSource | undefined;
  private controllerAttached = false;
  private readiness: (() => boolean) | undefined;

  constructor(nodeId: number) {
    this.registry.setDefaultLabels({ node: String(nodeId) });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'gregor_requests_total',
      help: 'Requests answered, by service (client, replication, controller), API and first error (NONE when all went well)',
      labelNames: ['service', 'api', 'error'],
      registers,
    });
    this.latency = new Histogram({
      name: 'gregor_request_duration_seconds',
      help: 'Request latency from arrival to answer (a long-polling fetch counts its wait)',
      labelNames: ['service', 'api'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.bytesInTotal = new Counter({ name: 'gregor_bytes_in_total', help: 'Record batch bytes appended by producers, per topic', labelNames: ['topic'], registers });
    this.recordsInTotal = new Counter({ name: 'gregor_records_in_total', help: 'Records appended by producers, per topic', labelNames: ['topic'], registers });
    this.bytesOutTotal = new Counter({ name: 'gregor_bytes_out_total', help: 'Record batch bytes fetched by consumers, per topic', labelNames: ['topic'], registers });
    this.recordsOutTotal = new Counter({ name: 'gregor_records_out_total', help: 'Records fetched by consumers, per topic', labelNames: ['topic'], registers });
    this.perTopic = [this.bytesInTotal, this.recordsInTotal, this.bytesOutTotal, this.recordsOutTotal];
    this.isrShrinks = new Counter({ name: 'gregor_isr_shrinks_total', help: 'ISR shrinks of partitions this broker leads', registers });
    this.isrExpands = new Counter({ name: 'gregor_isr_expands_total', help: 'ISR expansions of partitions this broker leads', registers });
    const readiness = (): boolean => this.readiness?.() === true;
    new Gauge({
      name: 'gregor_node_ready',
      help: '1 while /readyz answers 200 (registered, unfenced, caught up), else 0',
      registers,
      collect() {
        this.set(readiness() ? 1 : 0);
      },
    });
    this.controllerRequests = {
      requestCompleted: (api, errorName, durationMs) => this.observe('controller', api, errorName, durationMs),
    };
    registerBrokerGauges(this.registry, () => this.brokerStatus?.());
    registerConsumerLagGauge(this.registry, () => this.lagSource);
    registerMemoryMetrics(this.registry, () => this.storeMemory?.());
  }

  // ---- BrokerObserver (the broker's request path) ----------------------------

  requestCompleted(api: ApiName, errorName: string, durationMs: number): void {
    this.observe(REPLICATION_APIS.has(api) ? 'replication' : 'client', api, errorName, durationMs);
  }

  bytesIn(topic: string, bytes: number, records: number): void {
    this.bytesInTotal.inc({ topic }, bytes);
    this.recordsInTotal.inc({ topic }, records);
  }

  bytesOut(topic: string, bytes: number, records: number): void {
    this.bytesOutTotal.inc({ topic }, bytes);
    this.recordsOutTotal.inc({ topic }, records);
  }

  isrChanged(_topic: string, _partition: number, from: readonly number[], to: readonly number[]): void {
    // A change may remove one replica and add another: it counts as both.
    if (from.some((id) => !to.includes(id))) this.isrShrinks.inc();
    if (to.some((id) => !from.includes(id))) this.isrExpands.inc();
  }

  // ---- wiring ------------------------------------------------------------------

  /** Partition and purgatory gauges read this on every scrape. */
  attachBroker(status: () => BrokerStatus | undefined): void {
    this.brokerStatus = status;
  }

  /** The log store's memory components (gregor_memory_bytes and its budget). */
  attachStore(memory: () => LogStoreMemory): void {
    this.storeMemory = memory;
  }

  /** Raft, active-controller, fenced-broker and election metrics of this voter. */
  attachController(node: ControllerNode): void {
    if (this.controllerAttached) return;
    this.controllerAttached = true;
    registerControllerMetrics(this.registry, node.controller);
  }

  /**
   * The group coordinator's hook: `source` is asked for every group's lag on
   * each scrape (gregor_consumer_group_lag{group,topic,partition}).
   */
  setConsumerGroupLagSource(source: ConsumerGroupLagSource | undefined): void {
    this.lagSource = source;
  }

  /** gregor_node_ready follows this. */
  attachReadiness(isReady: () => boolean): void {
    this.readiness = isReady;
  }

  /** A topic was deleted: its per-topic series go too (they would otherwise be exported forever). */
  forgetTopic(topic: string): void {
    for (const c of this.perTopic) c.remove({ topic });
  }

  private observe(service: RpcService, api: string, errorName: string, durationMs: number): void {
    this.requests.inc({ service, api, error: errorName });
    this.latency.observe({ service, api }, durationMs / 1000);
  }
}
