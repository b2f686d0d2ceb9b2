import { Admin } from './admin/admin';
import { Cluster } from './cluster';
import { ProtocolGroupMember, type GroupMemberOptions } from './group/protocol-member';
import { Consumer } from './consumer/consumer';
import type { ConsumerOptions } from './consumer/options';
import { readPartition, type ReadPartitionRequest, type ReadPartitionResult } from './consumer/read-partition';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './options';
import type { ProducerOptions } from './producer/options';
import { Producer } from './producer/producer';
import type { SubscribeOptions } from './subscribe/options';
import { RecordsSubscription } from './subscribe/subscription';

/**
 * A connection to a Gregor cluster: one gRPC channel per broker and one
 * metadata cache, shared by the producers, consumers and admin it creates.
 *
 * ```ts
 * const client = createClient({ bootstrap: '127.0.0.1:9092' });
 * const producer = client.producer();
 * await producer.send({ topic: 'orders', key: 'o-1', value: '{"qty":1}' });
 * await client.close();
 * ```
 */
export class Gregor {
  readonly options: Readonly<ResolvedClientOptions>;
  private readonly cluster: Cluster;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private adminClient: Admin | undefined;
  private closing: Promise<void> | undefined;

  constructor(opts: ClientOptions) {
    this.options = resolveClientOptions(opts);
    this.cluster = new Cluster(this.options);
  }

  producer(opts: ProducerOptions = {}): Producer {
    const p = new Producer(this.cluster, this.options, opts, (closed) => this.producers.delete(closed));
    this.producers.add(p);
    return p;
  }

  consumer(opts: ConsumerOptions = {}): Consumer {
    const c = new Consumer(this.cluster, this.options, opts, (closed) => this.consumers.delete(closed));
    this.consumers.add(c);
    return c;
  }

  /**
   * Reads one partition once from an offset, 'earliest', 'latest' or a
   * timestamp: at most maxRecords records and about maxBytes, waiting up to
   * maxWaitMs for a first record (long-poll). No group, no commit: start
   * the next read at `nextOffset`. Throws OFFSET_OUT_OF_RANGE (with
   * logStartOffset and highWatermark in the error's context) for an offset
   * the partition does not have, UNKNOWN_TOPIC_OR_PARTITION at once for a
   * topic or partition that does not exist.
   */
  read(req: ReadPartitionRequest): Promise<ReadPartitionResult> {
    return readPartition(this.cluster, this.options, req);
  }

  /**
   * A bare member of a group with an application-defined protocol type
   * (e.g. Kafka Connect's `connect`): the application supplies the join
   * metadata and the leader's assignment; this runs the group protocol.
   */
  groupMember(opts: GroupMemberOptions): ProtocolGroupMember {
    return new ProtocolGroupMember(this.cluster, this.options, opts);
  }

  /** The admin client (one per Gregor instance). */
  admin(): Admin {
    this.adminClient ??= new Admin(this.cluster, this.options);
    return this.adminClient;
  }

  /**
   * Subscribes through a node's gregor.v1.Records Subscribe stream: the node
   * runs the group member, pushes records, and commits what is acked
   * (`record.ack()`, any order); unacked records come again after the ack
   * deadline. A stream whose node fails is reopened on another node.
   *
   * ```ts
   * const sub = client.subscribe({ group: 'billing', topics: ['orders'], start: 'earliest' });
   * for await (const record of sub) { handle(record); record.ack(); }
   * ```
   */
  subscribe(opts: SubscribeOptions): RecordsSubscription {
    const s = new RecordsSubscription(this.cluster, this.options, opts, (closed) => this.subscriptions.delete(closed));
    this.subscriptions.add(s);
    return s;
  }

  private readonly subscriptions = new Set<RecordsSubscription>();

  /** Closes subscriptions and consumers, flushes and closes producers, then the connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      await Promise.all([...this.consumers].map((c) => c.close()));
      await Promise.allSettled([...this.producers].map((p) => p.close()));
      this.cluster.close();
    })();
    return this.closing;
  }
}

/** Creates a client; connections open lazily on first use. */
export function createClient(opts: ClientOptions): Gregor {
  return new Gregor(opts);
}
