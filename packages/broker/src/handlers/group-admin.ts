import { GROUP_STATES, type DeleteGroupResult, type DescribedGroup, type GroupState } from '@gregor/group-coordinator';
import {
  COORDINATOR_KEY_TYPE,
  type Coordinator,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../api/groups';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { groupError } from './group-error';

/**
 * FindCoordinator (batched, KIP-699): any broker answers, with the
 * coordinator's address on `listener` (the one asked on); the first call
 * for a key type creates its topic (__consumer_offsets for groups,
 * __transaction_state for transactional ids).
 */
export async function handleFindCoordinator(
  ctx: BrokerContext,
  req: FindCoordinatorRequest,
  outcome: RequestOutcome,
  listener: string,
): Promise<FindCoordinatorResponse> {
  const coordinators: Coordinator[] = [];
  for (const key of new Set(req.keys)) {
    if (req.keyType !== COORDINATOR_KEY_TYPE.GROUP && req.keyType !== COORDINATOR_KEY_TYPE.TRANSACTION) {
      outcome.firstError = 'INVALID_REQUEST';
      coordinators.push({ key, error: groupError('INVALID_REQUEST', `key type ${req.keyType} is not supported (0 = group, 1 = transaction)`), nodeId: -1, host: '', port: -1 });
      continue;
    }
    const topic = req.keyType === COORDINATOR_KEY_TYPE.GROUP ? ctx.groups.topic : ctx.transactions.topic;
    const where = await topic.locate(key, listener);
    if ('error' in where) {
      coordinators.push({ key, error: outcome.fail(where.error), nodeId: -1, host: '', port: -1 });
    } else {
      coordinators.push({ key, error: null, nodeId: where.nodeId, host: where.host, port: where.port });
    }
  }
  return { coordinators };
}

/** Groups are answered per __consumer_offsets partition; one this broker does not coordinate is NOT_COORDINATOR. */
function byPartition(ctx: BrokerContext, groupIds: readonly string[]): { partitions: Map<number, string[]>; orphans: string[] } {
  const partitions = new Map<number, string[]>();
  const orphans: string[] = [];
  for (const id of new Set(groupIds)) {
    const p = ctx.groups.partitionFor(id);
    if (p === undefined) {
      orphans.push(id);
      continue;
    }
    let list = partitions.get(p);
    if (list === undefined) partitions.set(p, (list = []));
    list.push(id);
  }
  return { partitions, orphans };
}

export async function handleDescribeGroups(ctx: BrokerContext, req: DescribeGroupsRequest, outcome: RequestOutcome): Promise<DescribeGroupsResponse> {
  const { partitions, orphans } = byPartition(ctx, req.groups);
  const described: DescribedGroup[] = orphans.map((groupId) => ({ groupId, error: 'NOT_COORDINATOR', state: 'Dead', protocolType: '', protocolData: '', members: [] }));
  for (const [p, ids] of partitions) described.push(...ctx.groups.runtime.describeGroups(p, ids));
  for (const g of described) if (g.error !== 'NONE' && outcome.firstError === 'NONE') outcome.firstError = g.error;
  return {
    groups: described.map((g) => ({
      error: groupError(g.error),
      groupId: g.groupId,
      groupState: g.state,
      protocolType: g.protocolType,
      protocolData: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
    })),
  };
}

/** The groups this broker coordinates (Kafka: clients ask every broker and merge). */
export async function handleListGroups(ctx: BrokerContext, req: ListGroupsRequest, outcome: RequestOutcome): Promise<ListGroupsResponse> {
  // Kafka matches state names case-insensitively.
  const states = req.statesFilter.map((s) => GROUP_STATES.find((g) => g.toLowerCase() === s.toLowerCase())).filter((s): s is GroupState => s !== undefined);
  if (req.statesFilter.length > 0 && states.length === 0) return { error: null, groups: [] };
  const r = ctx.groups.runtime.listGroups(states);
  if (r.error !== 'NONE') outcome.firstError = r.error;
  return { error: groupError(r.error), groups: r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })) };
}

export async function handleDeleteGroups(ctx: BrokerContext, req: DeleteGroupsRequest, outcome: RequestOutcome): Promise<DeleteGroupsResponse> {
  const { partitions, orphans } = byPartition(ctx, req.groups);
  const results: DeleteGroupResult[] = orphans.map((groupId) => ({ groupId, error: 'NOT_COORDINATOR' }));
  const perPartition = await Promise.all([...partitions].map(([p, ids]) => ctx.groups.runtime.deleteGroups(p, ids)));
  for (const list of perPartition) results.push(...list);
  for (const r of results) if (r.error !== 'NONE' && outcome.firstError === 'NONE') outcome.firstError = r.error;
  return { results: results.map((r) => ({ groupId: r.groupId, error: groupError(r.error) })) };
}
