import type { AlterConfigsRequest, AlterConfigsResponse, DescribeConfigsRequest, DescribeConfigsResponse } from './configs';
import type { RequestContext } from './context';
import type {
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
} from './fetch';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './groups';
import type { DescribeClusterRequest, DescribeClusterResponse, MetadataRequest, MetadataResponse } from './metadata';
import type { InitProducerIdRequest, InitProducerIdResponse } from './producer-id';
import type { ProduceRequest, ProduceResponse } from './produce';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from './records';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  EndTxnRequest,
  EndTxnResponse,
  ListTransactionsRequest,
  ListTransactionsResponse,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
} from './transactions';
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from './topics';

/**
 * The broker's protocol-neutral API: one method per request type, each
 * handled once whichever front end (gRPC, Kafka's binary protocol) decoded
 * it. Front ends are thin: decode the wire request into these types, call,
 * encode the answer.
 *
 * Contract, for every method:
 * - Bad input is reported per topic / partition / group / resource in the
 *   response (`error`, Kafka's codes), never thrown. A method rejects only
 *   when the whole request is unusable (a GregorError other than
 *   UNKNOWN_SERVER_ERROR: the gRPC front end answers INVALID_ARGUMENT) or
 *   on a bug (anything else: logged; gRPC INTERNAL).
 * - The broker reports each call to its observer (API name, first per-item
 *   error, duration) and counts it as in flight until it settles, so
 *   `Broker.stop()` waits for it: front ends need not do either.
 * - Responses are fresh objects the caller may encode as it likes; record
 *   bytes are shared with storage and must not be modified.
 */
export interface BrokerApi {
  produce(ctx: RequestContext, request: ProduceRequest): Promise<ProduceResponse>;
  /** Long-poll: see FetchRequest. `ctx.signal` ends the wait. */
  fetch(ctx: RequestContext, request: FetchRequest): Promise<FetchResponse>;
  listOffsets(ctx: RequestContext, request: ListOffsetsRequest): Promise<ListOffsetsResponse>;
  offsetsForLeaderEpoch(ctx: RequestContext, request: OffsetsForLeaderEpochRequest): Promise<OffsetsForLeaderEpochResponse>;
  /** Brokers by their address on `ctx.listener`. */
  metadata(ctx: RequestContext, request: MetadataRequest): Promise<MetadataResponse>;
  /** Kafka's DescribeCluster: brokers on `ctx.listener`, cluster and controller id. */
  describeCluster(ctx: RequestContext, request: DescribeClusterRequest): Promise<DescribeClusterResponse>;
  createTopics(ctx: RequestContext, request: CreateTopicsRequest): Promise<CreateTopicsResponse>;
  deleteTopics(ctx: RequestContext, request: DeleteTopicsRequest): Promise<DeleteTopicsResponse>;
  createPartitions(ctx: RequestContext, request: CreatePartitionsRequest): Promise<CreatePartitionsResponse>;
  /** Moves log start offsets (leader only); answers once the live replicas have them too, or at `timeoutMs`. */
  deleteRecords(ctx: RequestContext, request: DeleteRecordsRequest): Promise<DeleteRecordsResponse>;
  describeConfigs(ctx: RequestContext, request: DescribeConfigsRequest): Promise<DescribeConfigsResponse>;
  /** Incremental (or, with `replace`, Kafka's legacy AlterConfigs): see AlterConfigsRequest. */
  alterConfigs(ctx: RequestContext, request: AlterConfigsRequest): Promise<AlterConfigsResponse>;
  initProducerId(ctx: RequestContext, request: InitProducerIdRequest): Promise<InitProducerIdResponse>;
  /** The coordinator's address on `ctx.listener`; the first call creates __consumer_offsets. */
  findCoordinator(ctx: RequestContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse>;
  /** Long-poll until the group's join phase completes; records `ctx.clientId` and `ctx.clientHost` on the member. */
  joinGroup(ctx: RequestContext, request: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(ctx: RequestContext, request: SyncGroupRequest): Promise<SyncGroupResponse>;
  heartbeat(ctx: RequestContext, request: HeartbeatRequest): Promise<HeartbeatResponse>;
  leaveGroup(ctx: RequestContext, request: LeaveGroupRequest): Promise<LeaveGroupResponse>;
  offsetCommit(ctx: RequestContext, request: OffsetCommitRequest): Promise<OffsetCommitResponse>;
  offsetFetch(ctx: RequestContext, request: OffsetFetchRequest): Promise<OffsetFetchResponse>;
  describeGroups(ctx: RequestContext, request: DescribeGroupsRequest): Promise<DescribeGroupsResponse>;
  listGroups(ctx: RequestContext, request: ListGroupsRequest): Promise<ListGroupsResponse>;
  deleteGroups(ctx: RequestContext, request: DeleteGroupsRequest): Promise<DeleteGroupsResponse>;
  /** The transaction coordinator's APIs (KIP-98); answered once the transaction's state is written. */
  addPartitionsToTxn(ctx: RequestContext, request: AddPartitionsToTxnRequest): Promise<AddPartitionsToTxnResponse>;
  addOffsetsToTxn(ctx: RequestContext, request: AddOffsetsToTxnRequest): Promise<AddOffsetsToTxnResponse>;
  /** To the group's coordinator; answered once written, the offsets count when the transaction commits. */
  txnOffsetCommit(ctx: RequestContext, request: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse>;
  /** Answered once the outcome is decided (PrepareCommit/PrepareAbort written); markers follow. */
  endTxn(ctx: RequestContext, request: EndTxnRequest): Promise<EndTxnResponse>;
  /** Broker to broker: COMMIT/ABORT control batches into partitions this broker leads (acks=all). */
  writeTxnMarkers(ctx: RequestContext, request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse>;
  describeTransactions(ctx: RequestContext, request: DescribeTransactionsRequest): Promise<DescribeTransactionsResponse>;
  listTransactions(ctx: RequestContext, request: ListTransactionsRequest): Promise<ListTransactionsResponse>;
  /** A partition leader's producers and their open transactions (KIP-664; finds hanging transactions). */
  describeProducers(ctx: RequestContext, request: DescribeProducersRequest): Promise<DescribeProducersResponse>;
}
