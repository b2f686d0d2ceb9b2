import * as grpc from '@grpc/grpc-js';
import {
  loadAdminProto,
  loadClientProto,
  recordsServiceDefinition,
  type SubscribeRequest,
  type SubscribeResponseIn,
  type AddPartitionsRequest,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse__Output,
  type AddPartitionsResponse__Output,
  type AlterConfigsRequest,
  type AlterConfigsResponse__Output,
  type CreateTopicsRequest,
  type CreateTopicsResponse__Output,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse__Output,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse__Output,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse__Output,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse__Output,
  type HeartbeatRequest,
  type HeartbeatResponse__Output,
  type JoinGroupRequest,
  type JoinGroupResponse__Output,
  type LeaveGroupRequest,
  type LeaveGroupResponse__Output,
  type ListGroupsRequest,
  type ListGroupsResponse__Output,
  type OffsetCommitRequest,
  type OffsetCommitResponse__Output,
  type OffsetFetchRequest,
  type OffsetFetchResponse__Output,
  type SyncGroupRequest,
  type SyncGroupResponse__Output,
  type DescribeClusterRequest,
  type DescribeClusterResponse__Output,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse__Output,
  type FetchRequest,
  type FetchResponse__Output,
  type InitProducerIdRequest,
  type InitProducerIdResponse__Output,
  type GregorClient,
  type ListOffsetsRequest,
  type ListOffsetsResponse__Output,
  type MetadataRequest,
  type MetadataResponse__Output,
  type ProduceRequest,
  type ProduceResponse__Output,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse__Output,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse__Output,
  type DescribeProducersRequest,
  type DescribeProducersResponse__Output,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse__Output,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse__Output,
  type EndTxnRequest,
  type EndTxnResponse__Output,
  type ListTransactionsRequest,
  type ListTransactionsResponse__Output,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse__Output,
} from '@gregor/proto';
import { CLIENT_FLOW_CONTROL_WINDOW_BYTES, CLIENT_KEEPALIVE, GregorError, grpcChannelOptions } from '@gregor/common';
import { errorFromGrpc } from './errors';
import { ProduceStream } from './produce-stream';

/** Request and response types per RPC of gregor.v1.Gregor. */
export interface Rpcs {
  Produce: [ProduceRequest, ProduceResponse__Output];
  Fetch: [FetchRequest, FetchResponse__Output];
  ListOffsets: [ListOffsetsRequest, ListOffsetsResponse__Output];
  Metadata: [MetadataRequest, MetadataResponse__Output];
  CreateTopics: [CreateTopicsRequest, CreateTopicsResponse__Output];
  DeleteTopics: [DeleteTopicsRequest, DeleteTopicsResponse__Output];
  CreatePartitions: [AddPartitionsRequest, AddPartitionsResponse__Output];
  DeleteRecords: [DeleteRecordsRequest, DeleteRecordsResponse__Output];
  DescribeConfigs: [DescribeConfigsRequest, DescribeConfigsResponse__Output];
  AlterConfigs: [AlterConfigsRequest, AlterConfigsResponse__Output];
  InitProducerId: [InitProducerIdRequest, InitProducerIdResponse__Output];
  // Consumer groups (Kafka's classic protocol).
  FindCoordinator: [FindCoordinatorRequest, FindCoordinatorResponse__Output];
  JoinGroup: [JoinGroupRequest, JoinGroupResponse__Output];
  SyncGroup: [SyncGroupRequest, SyncGroupResponse__Output];
  Heartbeat: [HeartbeatRequest, HeartbeatResponse__Output];
  LeaveGroup: [LeaveGroupRequest, LeaveGroupResponse__Output];
  OffsetCommit: [OffsetCommitRequest, OffsetCommitResponse__Output];
  OffsetFetch: [OffsetFetchRequest, OffsetFetchResponse__Output];
  DescribeGroups: [DescribeGroupsRequest, DescribeGroupsResponse__Output];
  ListGroups: [ListGroupsRequest, ListGroupsResponse__Output];
  DeleteGroups: [DeleteGroupsRequest, DeleteGroupsResponse__Output];
  // Transactions (KIP-98).
  AddPartitionsToTxn: [AddPartitionsToTxnRequest, AddPartitionsToTxnResponse__Output];
  AddOffsetsToTxn: [AddOffsetsToTxnRequest, AddOffsetsToTxnResponse__Output];
  EndTxn: [EndTxnRequest, EndTxnResponse__Output];
  TxnOffsetCommit: [TxnOffsetCommitRequest, TxnOffsetCommitResponse__Output];
  DescribeTransactions: [DescribeTransactionsRequest, DescribeTransactionsResponse__Output];
  ListTransactions: [ListTransactionsRequest, ListTransactionsResponse__Output];
  DescribeProducers: [DescribeProducersRequest, DescribeProducersResponse__Output];
  /** Admin abort of a hanging transaction (Kafka's Admin.abortTransaction sends it too). */
  WriteTxnMarkers: [WriteTxnMarkersRequest, WriteTxnMarkersResponse__Output];
  // gregor.v1.GregorAdmin, on the same listener (ADMIN_RPCS).
  DescribeCluster: [DescribeClusterRequest, DescribeClusterResponse__Output];
}
export type RpcName = keyof Rpcs;

/** The RPCs of gregor.v1.GregorAdmin; the rest are gregor.v1.Gregor's. */
const ADMIN_RPCS: ReadonlySet<RpcName> = new Set<RpcName>(['DescribeCluster']);

export interface CallOptions {
  /** Deadline of this call; defaults to the connection's request timeout. */
  timeoutMs?: number;
  /** Aborting cancels the call (it then fails with NETWORK_EXCEPTION). */
  signal?: AbortSignal;
  /** The client id this call carries (gRPC metadata `client-id`); default: the connection's. */
  clientId?: string;
}

export interface ConnectionOptions {
  clientId: string;
  requestTimeoutMs: number;
}

/**
 * One gRPC channel to one broker. grpc-js reconnects by itself; we keep its
 * reconnect backoff short so that a restarted broker is found again within
 * about a second, ping with keepalive so that a connection that died
 * silently fails its calls (retriable) instead of holding them to their
 * deadline, lift the 4 MiB receive cap (fetch sizes are bounded by the
 * consumer's own maxBytes instead) and open the HTTP/2 receive window to
 * CLIENT_FLOW_CONTROL_WINDOW_BYTES (64 KiB per round trip held Subscribe
 * streams and large fetches back).
 */
export class BrokerConnection {
  private readonly client: GregorClient;
  /** GregorAdmin over the same channel, made on first use. */
  private admin: grpc.Client | undefined;
  private readonly inFlight = new Set<grpc.ClientUnaryCall>();
  private closed = false;

  constructor(
    readonly address: string,
    private readonly opts: ConnectionOptions,
  ) {
    const Ctor = loadClientProto().gregor.v1.Gregor;
    this.client = new Ctor(
      address,
      grpc.credentials.createInsecure(),
      grpcChannelOptions(CLIENT_KEEPALIVE, {
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
        'grpc-node.flow_control_window': CLIENT_FLOW_CONTROL_WINDOW_BYTES,
        'grpc.primary_user_agent': opts.clientId,
        // Our own retry logic decides; grpc-js must not replay requests.
        'grpc.enable_retries': 0,
      }),
    );
  }

  /** Calls `method`; gRPC failures become GregorError (see errorFromGrpc). */
  call<M extends RpcName>(method: M, request: Rpcs[M][0], opts: CallOptions = {}): Promise<Rpcs[M][1]> {
    if (this.closed) return Promise.reject(new GregorError('NETWORK_EXCEPTION', `connection to ${this.address} is closed`, { broker: this.address, transport: true }));
    if (opts.signal?.aborted === true) return Promise.reject(new GregorError('NETWORK_EXCEPTION', 'call aborted', { broker: this.address, transport: true }));
    const deadline = Date.now() + (opts.timeoutMs ?? this.opts.requestTimeoutMs);
    const metadata = new grpc.Metadata();
    metadata.set('client-id', opts.clientId ?? this.opts.clientId);
    return new Promise<Rpcs[M][1]>((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      // The generated client has one overloaded method per RPC; this is the
      // single place where the name is turned into a call.
      const stub = this.stubFor(method);
      const fn = (stub as unknown as Record<string, unknown>)[method] as (
        req: Rpcs[M][0],
        md: grpc.Metadata,
        options: grpc.CallOptions,
        cb: (err: grpc.ServiceError | null, res?: Rpcs[M][1]) => void,
      ) => grpc.ClientUnaryCall;
      const call = fn.call(stub, request, metadata, { deadline }, (err, res) => {
        this.inFlight.delete(call);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err !== null || res === undefined) reject(errorFromGrpc(err ?? new Error('empty response'), this.address));
        else resolve(res);
      });
      this.inFlight.add(call);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Produce over this connection's ProduceStream (produce-stream.ts: the
   * same request and answer as `call('Produce', …)`, without a unary
   * call's per-request cost), opened on first use.
   */
  produce(request: ProduceRequest, opts: Pick<CallOptions, 'timeoutMs' | 'signal'> = {}): Promise<ProduceResponse__Output> {
    if (this.closed) return Promise.reject(new GregorError('NETWORK_EXCEPTION', `connection to ${this.address} is closed`, { broker: this.address, transport: true }));
    this.produceStream ??= new ProduceStream(
      () => {
        const metadata = new grpc.Metadata();
        metadata.set('client-id', this.opts.clientId);
        return this.client.ProduceStream(metadata);
      },
      this.address,
      (req, timeoutMs, signal) => this.call('Produce', req, { timeoutMs, ...(signal !== undefined ? { signal } : {}) }),
    );
    return this.produceStream.send(request, opts.timeoutMs ?? this.opts.requestTimeoutMs, opts.signal);
  }

  private produceStream: ProduceStream | undefined;

  /** The generated client serving `method`; admin RPCs share this connection's channel. */
  private stubFor(method: RpcName): grpc.Client {
    if (!ADMIN_RPCS.has(method)) return this.client;
    this.admin ??= new (loadAdminProto().gregor.v1.GregorAdmin)(this.address, grpc.credentials.createInsecure(), {
      channelOverride: this.client.getChannel(),
    });
    return this.admin;
  }

  /**
   * A gregor.v1.Records Subscribe stream over this connection's channel (the
   * SDK's Subscribe wrapper), with the hand-placed codecs of
   * recordsServiceDefinition: acks go out as Buffers from
   * encodeSubscribeAcks, records come in with bigint offsets.
   */
  openSubscribeStream(): grpc.ClientDuplexStream<Buffer | SubscribeRequest, SubscribeResponseIn> {
    if (this.closed) throw new GregorError('NETWORK_EXCEPTION', `connection to ${this.address} is closed`, { broker: this.address, transport: true });
    this.records ??= new grpc.Client(this.address, grpc.credentials.createInsecure(), { channelOverride: this.client.getChannel() });
    const subscribe = recordsServiceDefinition()['Subscribe']!;
    return this.records.makeBidiStreamRequest(
      subscribe.path,
      subscribe.requestSerialize as (m: Buffer | SubscribeRequest) => Buffer,
      subscribe.responseDeserialize as (b: Buffer) => SubscribeResponseIn,
    );
  }

  private records: grpc.Client | undefined;

  /** Cancels calls in flight and closes the channel (the admin stub's too: it is the same one). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.inFlight) call.cancel();
    this.inFlight.clear();
    this.produceStream?.close();
    this.client.close();
  }
}
