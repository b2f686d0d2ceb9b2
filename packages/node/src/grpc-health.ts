import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type * as grpc from '@grpc/grpc-js';
import type { ExtraGrpcService } from '@gregor/broker';

/** Services reported by grpc.health.v1.Health: '' is the whole server (what probes ask by default). */
export const HEALTH_SERVICE_NAMES = ['', 'gregor.v1.Gregor', 'gregor.v1.GregorReplication'] as const;

/**
 * The standard gRPC health-checking service (grpc.health.v1.Health: Check
 * and Watch), from grpc-node's `grpc-health-check`, on the client listener.
 * Status follows the node's readiness: SERVING exactly when /readyz says
 * 200. It polls readiness (readiness has several inputs and no change
 * events) and tells Watch streams only on a change. `close()` answers
 * NOT_SERVING and ends every Watch stream, so the listener's graceful
 * shutdown does not wait on streams that would never end by themselves.
 */
export class GrpcHealth {
  private readonly impl: HealthImplementation;
  private readonly watches = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  private status: ServingStatus = 'NOT_SERVING';
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly isReady: () => boolean,
    private readonly pollIntervalMs = 250,
  ) {
    this.impl = new HealthImplementation(Object.fromEntries(HEALTH_SERVICE_NAMES.map((n) => [n, this.status])));
  }

  /** The service to add to the client listener (BrokerOptions.services). */
  service(): ExtraGrpcService {
    let captured: ExtraGrpcService | undefined;
    this.impl.addToServer({
      addService: (definition, implementation) => {
        const watch = implementation['watch'] as grpc.handleServerStreamingCall<unknown, unknown>;
        captured = {
          definition: definition as unknown as grpc.ServiceDefinition,
          implementation: {
            ...implementation,
            watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
              if (this.closed) {
                call.write({ status: 'NOT_SERVING' });
                call.end();
                return;
              }
              this.watches.add(call);
              call.on('cancelled', () => this.watches.delete(call));
              call.on('finish', () => this.watches.delete(call));
              watch(call);
            },
          } as grpc.UntypedServiceImplementation,
        };
      },
    });
    return captured!;
  }

  start(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** Re-reads readiness now (also called by the poll timer). */
  refresh(): void {
    if (this.closed) return;
    this.set(this.isReady() ? 'SERVING' : 'NOT_SERVING');
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.set('NOT_SERVING');
    this.closed = true;
    for (const call of this.watches) call.end();
    this.watches.clear();
  }

  private set(status: ServingStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const name of HEALTH_SERVICE_NAMES) this.impl.setStatus(name, status);
  }
}
