import * as net from 'node:net';
import type { Clock, Logger } from '@gregor/common';
import type { BrokerApi } from '../api/broker-api';
import type { BrokerObserver } from '../observer';
import { KafkaConnection, type KafkaConnectionLimits } from './connection';

export interface KafkaServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** `max.connections`: beyond it a new connection is closed at once (debug line). */
  readonly maxConnections: number;
  readonly limits: KafkaConnectionLimits;
  readonly api: BrokerApi;
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
  /** Connections closed at once since start: `max.connections` were open, or the server was stopping. */
  rejectedConnections: number;
}

/**
 * The KAFKA listener: a TCP server speaking Kafka's binary protocol in front
 * of the broker's protocol-neutral API. Each connection is a
 * KafkaConnection; this holds them, enforces the node-wide connection
 * limit, and closes them in order on stop.
 */
export class KafkaServer {
  private readonly connections = new Set<KafkaConnection>();
  private stopping = false;
  private rejected = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly opts: KafkaServerOptions,
  ) {}

  static async listen(opts: KafkaServerOptions): Promise<KafkaServer> {
    const server = net.createServer({ noDelay: true });
    const ks = new KafkaServer(server, opts);
    server.on('connection', (socket) => ks.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host, port: opts.port }, () => {
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
    for (const c of this.connections) {
      if (c.isPaused) paused++;
      inflightRequests += c.inflightRequests;
    }
    return { connections: this.connections.size, pausedConnections: paused, inflightRequests, rejectedConnections: this.rejected };
  }

  private accept(socket: net.Socket): void {
    if (this.stopping || this.connections.size >= this.opts.maxConnections) {
      this.rejected++;
      this.opts.logger.debug('kafka connection refused', {
        client: socket.remoteAddress,
        reason: this.stopping ? 'stopping' : `max.connections (${this.opts.maxConnections}) open`,
      });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const conn = new KafkaConnection(socket, this.opts);
    this.connections.add(conn);
    void conn.closedPromise.then(() => this.connections.delete(conn));
  }

  /**
   * Stop accepting, then let each connection answer what it has in flight
   * (the broker answers waiting fetches and produces when it stops) and
   * close; after `graceMs` whatever is left is cut.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.drain(graceMs)));
    await closed;
  }
}
