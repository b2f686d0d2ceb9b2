import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read when Prometheus scrapes. */
export interface MetricsSource {
  tasks(): number;
  restoringStores(): number;
  droppedLateRecords(): number;
  skippedRecords(): number;
}

/**
 * Prometheus metrics of one streams instance (`gregor_streams_` prefix,
 * labelled with the application id), in its own registry so an
 * application can serve it beside its own (`registry.metrics()`).
 * Counters and histograms are updated on the processing path; gauges and
 * the drop counts are read at scrape time from the runtime.
 */
export class StreamsMetricsRegistry {
  readonly registry = new Registry();
  readonly processed: Counter;
  readonly e2eLatency: Histogram;
  readonly commitDuration: Histogram;
  readonly restored: Counter;

  constructor(applicationId: string, source: MetricsSource) {
    this.registry.setDefaultLabels({ application_id: applicationId });
    const registers = [this.registry];
    this.processed = new Counter({ name: 'gregor_streams_processed_records_total', help: 'Records processed by this instance’s tasks', registers });
    this.e2eLatency = new Histogram({
      name: 'gregor_streams_record_e2e_latency_seconds',
      help: 'Wall-clock time at processing minus the record timestamp (end-to-end latency from the producer)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300],
      registers,
    });
    this.commitDuration = new Histogram({
      name: 'gregor_streams_commit_duration_seconds',
      help: 'Commit duration: caches written down, outputs acknowledged, offsets committed, stores checkpointed',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.restored = new Counter({ name: 'gregor_streams_restored_records_total', help: 'Changelog records replayed into stores', registers });
    new Gauge({ name: 'gregor_streams_tasks', help: 'Tasks this instance owns', registers, collect() { this.set(source.tasks()); } });
    new Gauge({ name: 'gregor_streams_restoring_stores', help: 'Stores being restored from their changelog now', registers, collect() { this.set(source.restoringStores()); } });
    new Gauge({
      name: 'gregor_streams_dropped_records',
      help: 'Records dropped since start: late (after their window closed) or undeserializable (logAndContinue)',
      labelNames: ['reason'],
      registers,
      collect() {
        this.set({ reason: 'late' }, source.droppedLateRecords());
        this.set({ reason: 'deserialization' }, source.skippedRecords());
      },
    });
  }
}
