import * as net from 'node:net';
import type { Clock, Logger } from '@gregor/common';
import type { BrokerApi } from '../api/broker-api';
import type { BrokerObserver } from '../observer';
import { KafkaConnection, type KafkaConnectionDeps, type KafkaConnectionLimits } from './connection';
import { CONSUMER_FETCH_ANSWERS, FetchSessionCache, type FetchSessionLimits } from '../fetch-sessions';
import type { RequestBytesBudget } from '../request-bytes-budget';
import type { ReplicaFetchCall } from './replica-fetch-adapter';

export interface KafkaServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * `max.connections`: at the limit a new connection takes the place of the
   * least recently active connection with nothing in flight (closed with a
   * debug line), or is closed at once when every connection is busy.
   */
  readonly maxConnections: number;
  readonly limits: KafkaConnectionLimits;
  /** Incremental fetch sessions (KIP-227), shared by every connection. */
  readonly fetchSessions: FetchSessionLimits;
  /** The node's bound on request bytes in flight, shared with the gRPC front end. */
  readonly requestBytes: RequestBytesBudget;
  readonly api: BrokerApi;
  /** Followers' Fetch on this listener (replica.fetch.transport=kafka); absent, refused. */
  readonly replicaFetch?: ReplicaFetchCall;
  readonly logger: Logger;
  readonly observer: BrokerObserver;
  readonly clock: Clock;
}

export interface KafkaListenerStatus {
  /** Open connections. */
  connections: number;
  /** Connections not being read because they reached their in-flight or buffered-bytes bound. */
  pausedConnections: number;
  /** Requests read and not yet answered, over all connections. */
  inflightRequests: number;
  /** Idle connections closed since start to make room for a new one at `max.connections`. */
  evictedConnections: number;
  /** New connections closed at once since start: `max.connections` busy ones were open, or the server was stopping. */
  rejectedConnections: number;
  /** Incremental fetch sessions held, the partitions they hold, and sessions evicted since start for a new one. */
  fetchSessions: number;
  fetchSessionPartitions: number;
  fetchSessionsEvicted: number;
}

/**
 * The KAFKA listener: a TCP server speaking Kafka's binary protocol in front
 * of the broker's protocol-neutral API. Each connection is a
 * KafkaConnection; this holds them, enforces the node-wide connection
 * limit, and closes them in order on stop.
 */
export class KafkaServer {
  /** In least-recently-active order: a connection moves to the end on every read and write. */
  private readonly connections = new Map<KafkaConnection, true>();
  private stopping = false;
  private rejected = 0;
  private evicted = 0;
  private readonly deps: KafkaConnectionDeps;
  private readonly fetchSessions: FetchSessionCache;

  private constructor(
    private readonly server: net.Server,
    private readonly opts: KafkaServerOptions,
  ) {
    this.fetchSessions = new FetchSessionCache(CONSUMER_FETCH_ANSWERS, opts.fetchSessions, opts.clock);
    this.deps = { api: opts.api, logger: opts.logger, observer: opts.observer, clock: opts.clock, limits: opts.limits, fetchSessions: this.fetchSessions, requestBytes: opts.requestBytes, ...(opts.replicaFetch !== undefined ? { replicaFetch: opts.replicaFetch } : {}) };
  }

  static async listen(opts: KafkaServerOptions): Promise<KafkaServer> {
    const server = net.createServer({ noDelay: true });
    const ks = new KafkaServer(server, opts);
    server.on('connection', (socket) => ks.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deeper accept queue than Node's 511, for bursts of connects (the kernel caps it at somaxconn).
      server.listen({ host: opts.host, port: opts.port, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => opts.logger.error('kafka listener error', { err: err.message }));
    return ks;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** A snapshot for metrics and tests (no I/O). */
  status(): KafkaListenerStatus {
    let paused = 0;
    let inflightRequests = 0;
    for (const c of this.connections.keys()) {
      if (c.isPaused) paused++;
      inflightRequests += c.inflightRequests;
    }
    return {
      connections: this.connections.size,
      pausedConnections: paused,
      inflightRequests,
      evictedConnections: this.evicted,
      rejectedConnections: this.rejected,
      ...fetchSessionStatus(this.fetchSessions),
    };
  }

  /**
   * At `max.connections` the least recently active idle connection gives
   * way (Kafka closes least recently used connections at its limit too,
   * KIP-402): a flood of connections that send nothing cannot lock other
   * clients out, and a client whose idle connection was closed reconnects
   * as after any close. Busy connections are never cut for a newcomer.
   */
  private accept(socket: net.Socket): void {
    if (!this.stopping && this.connections.size >= this.opts.maxConnections) this.evictIdle();
    if (this.stopping || this.connections.size >= this.opts.maxConnections) {
      this.rejected++;
      this.opts.logger.debug('kafka connection refused', {
        client: socket.remoteAddress,
        reason: this.stopping ? 'stopping' : `max.connections (${this.opts.maxConnections}) busy connections open`,
      });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const conn = new KafkaConnection(socket, this.deps, () => {
      // Move to the most recently active end (Map keeps insertion order).
      if (this.connections.delete(conn)) this.connections.set(conn, true);
    });
    this.connections.set(conn, true);
    void conn.closedPromise.then(() => this.connections.delete(conn));
  }

  private evictIdle(): void {
    for (const c of this.connections.keys()) {
      if (c.inflightRequests === 0) {
        this.connections.delete(c);
        this.evicted++;
        c.close(`least recently active connection closed for a new one at max.connections (${this.opts.maxConnections})`);
        return;
      }
    }
  }

  /**
   * Stop accepting, then let each connection answer what it has in flight
   * (the broker answers waiting fetches and produces when it stops) and
   * close; after `graceMs` whatever is left is cut.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections.keys()].map((c) => c.drain(graceMs)));
    await closed;
  }
}

function fetchSessionStatus(cache: FetchSessionCache): Pick<KafkaListenerStatus, 'fetchSessions' | 'fetchSessionPartitions' | 'fetchSessionsEvicted'> {
  const s = cache.stats();
  return { fetchSessions: s.sessions, fetchSessionPartitions: s.partitions, fetchSessionsEvicted: s.evicted };
}
