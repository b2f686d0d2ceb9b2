import { GregorError } from '@gregor/common';
import {
  ZERO_UUID,
  isUuid,
  type AlterConfigsRequest as KAlterConfigsRequest,
  type AlterConfigsResponse as KAlterConfigsResponse,
  type CreatePartitionsRequest as KCreatePartitionsRequest,
  type CreatePartitionsResponse as KCreatePartitionsResponse,
  type CreateTopicsRequest as KCreateTopicsRequest,
  type CreateTopicsResponse as KCreateTopicsResponse,
  type DeleteTopicsRequest as KDeleteTopicsRequest,
  type DeleteTopicsResponse as KDeleteTopicsResponse,
  type DescribeConfigsRequest as KDescribeConfigsRequest,
  type DescribeConfigsResponse as KDescribeConfigsResponse,
  type Encodable,
  type IncrementalAlterConfigsRequest as KIncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse as KIncrementalAlterConfigsResponse,
  type InitProducerIdRequest as KInitProducerIdRequest,
  type InitProducerIdResponse as KInitProducerIdResponse,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { ApiError, RequestContext } from '../api/context';
import { CONFIG_RESOURCE_TYPE, type AlterConfigsResource, type AlterConfigsResult } from '../api/configs';
import { txnCode } from './txn-adapter';
import { errorCodeOf, errorMessageOf } from './wire';

/** Kafka's DescribeConfigs config_source values. */
const CONFIG_SOURCE = { UNKNOWN: -1, DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;
/** IncrementalAlterConfigs operations (KIP-339). */
const OP = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/**
 * Answers items the wire can express but the domain does not serve (manual
 * replica assignments, APPEND/SUBTRACT) with INVALID_REQUEST, and passes the
 * rest to one domain call; results come back in request order.
 */
async function splitUnserved<In, Out>(
  items: readonly In[],
  unserved: (item: In) => string | null,
  call: (served: In[]) => Promise<Out[]>,
  refused: (item: In, err: ApiError) => Out,
): Promise<Out[]> {
  const reasons = items.map(unserved);
  const served = items.filter((_, i) => reasons[i] === null);
  const answers = served.length > 0 || items.length === 0 ? await call(served) : [];
  let next = 0;
  return items.map((item, i) => {
    const reason = reasons[i];
    return reason === null || reason === undefined ? answers[next++]! : refused(item, new GregorError('INVALID_REQUEST', reason));
  });
}

function configsOf(entries: readonly { name: string; value: string | null }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) if (e.value !== null) out[e.name] = e.value;
  return out;
}

/** CreateTopics v2–v7 (manual replica assignments are not served). */
export async function createTopics(api: BrokerApi, ctx: RequestContext, _version: number, req: KCreateTopicsRequest): Promise<Encodable<KCreateTopicsResponse>> {
  const topics = await splitUnserved(
    req.topics,
    (t) => (t.assignments.length > 0 ? 'manual replica assignments are not supported' : null),
    async (served) =>
      (
        await api.createTopics(ctx, {
          timeoutMs: req.timeoutMs,
          validateOnly: req.validateOnly,
          topics: served.map((t) => ({ name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, configs: configsOf(t.configs) })),
        })
      ).topics,
    (t, error) => ({ name: t.name, error, topicId: '', numPartitions: -1, replicationFactor: -1, configs: {} }),
  );
  return {
    topics: topics.map((t) => ({
      name: t.name,
      topicId: isUuid(t.topicId) ? t.topicId : ZERO_UUID,
      errorCode: errorCodeOf(t.error),
      errorMessage: errorMessageOf(t.error),
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
      configs:
        t.error !== null
          ? null
          : Object.entries(t.configs).map(([name, value]) => ({ name, value, readOnly: false, configSource: CONFIG_SOURCE.UNKNOWN, isSensitive: false })),
    })),
  };
}

/** DeleteTopics v1–v6 (v6 names topics in structs; by id alone: UNKNOWN_TOPIC_ID). */
export async function deleteTopics(api: BrokerApi, ctx: RequestContext, version: number, req: KDeleteTopicsRequest): Promise<Encodable<KDeleteTopicsResponse>> {
  const asked = version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const results = await splitUnserved(
    asked,
    (t) => (t.name === null ? 'deleting topics by id is not supported' : null),
    async (served) => (await api.deleteTopics(ctx, { topicNames: served.map((t) => t.name as string), timeoutMs: req.timeoutMs })).topics,
    (t, error) => ({ name: t.name ?? '', error: new GregorError('UNKNOWN_TOPIC_ID', error.message) }),
  );
  return {
    responses: results.map((r, i) => ({
      name: asked[i]!.name === null ? null : r.name,
      topicId: asked[i]!.topicId,
      errorCode: errorCodeOf(r.error),
      errorMessage: errorMessageOf(r.error),
    })),
  };
}

/** CreatePartitions v0–v3 (manual assignments are not served). */
export async function createPartitions(
  api: BrokerApi,
  ctx: RequestContext,
  _version: number,
  req: KCreatePartitionsRequest,
): Promise<Encodable<KCreatePartitionsResponse>> {
  const results = await splitUnserved(
    req.topics,
    (t) => (t.assignments !== null && t.assignments.length > 0 ? 'manual replica assignments are not supported' : null),
    async (served) =>
      (await api.createPartitions(ctx, { timeoutMs: req.timeoutMs, validateOnly: req.validateOnly, topics: served.map((t) => ({ name: t.name, count: t.count })) }))
        .results,
    (t, error) => ({ name: t.name, error }),
  );
  return { results: results.map((r) => ({ name: r.name, errorCode: errorCodeOf(r.error), errorMessage: errorMessageOf(r.error) })) };
}

/** DescribeConfigs v0–v4 (no synonyms or documentation). */
export async function describeConfigs(
  api: BrokerApi,
  ctx: RequestContext,
  version: number,
  req: KDescribeConfigsRequest,
): Promise<Encodable<KDescribeConfigsResponse>> {
  const res = await api.describeConfigs(ctx, {
    resources: req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, configNames: r.configurationKeys })),
  });
  return {
    results: res.results.map((r) => ({
      errorCode: errorCodeOf(r.error),
      errorMessage: errorMessageOf(r.error),
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        ...(version === 0 ? { isDefault: c.isDefault } : {}),
        configSource: c.isDefault
          ? CONFIG_SOURCE.DEFAULT_CONFIG
          : r.resourceType === CONFIG_RESOURCE_TYPE.TOPIC
            ? CONFIG_SOURCE.DYNAMIC_TOPIC_CONFIG
            : CONFIG_SOURCE.STATIC_BROKER_CONFIG,
        isSensitive: false,
      })),
    })),
  };
}

function alterResults(results: readonly AlterConfigsResult[]): Encodable<KAlterConfigsResponse>['responses'] {
  return results.map((r) => ({
    errorCode: errorCodeOf(r.error),
    errorMessage: errorMessageOf(r.error),
    resourceType: r.resourceType,
    resourceName: r.resourceName,
  }));
}

/** Kafka's legacy AlterConfigs v0–v2: each resource's overrides become exactly the given set. */
export async function alterConfigs(api: BrokerApi, ctx: RequestContext, _version: number, req: KAlterConfigsRequest): Promise<Encodable<KAlterConfigsResponse>> {
  const res = await api.alterConfigs(ctx, {
    validateOnly: req.validateOnly,
    resources: req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, set: configsOf(r.configs), delete: [], replace: true })),
  });
  return { responses: alterResults(res.results) };
}

/** IncrementalAlterConfigs v0–v1: SET and DELETE (APPEND and SUBTRACT on list configs are not served). */
export async function incrementalAlterConfigs(
  api: BrokerApi,
  ctx: RequestContext,
  _version: number,
  req: KIncrementalAlterConfigsRequest,
): Promise<Encodable<KIncrementalAlterConfigsResponse>> {
  const results = await splitUnserved(
    req.resources,
    (r) => {
      const op = r.configs.find((c) => c.configOperation !== OP.SET && c.configOperation !== OP.DELETE);
      return op === undefined ? null : `config operation ${op.configOperation} on ${op.name} is not supported (only SET and DELETE)`;
    },
    async (served) => {
      const resources: AlterConfigsResource[] = served.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        set: configsOf(r.configs.filter((c) => c.configOperation === OP.SET)),
        delete: r.configs.filter((c) => c.configOperation === OP.DELETE).map((c) => c.name),
      }));
      return (await api.alterConfigs(ctx, { validateOnly: req.validateOnly, resources })).results;
    },
    (r, error) => ({ error, resourceType: r.resourceType, resourceName: r.resourceName }),
  );
  return { responses: alterResults(results) };
}

/** InitProducerId v0–v4 for idempotent producers (a transactional id is INVALID_REQUEST: no transactions yet). */
export async function initProducerId(
  api: BrokerApi,
  ctx: RequestContext,
  version: number,
  req: KInitProducerIdRequest,
): Promise<Encodable<KInitProducerIdResponse>> {
  const res = await api.initProducerId(ctx, {
    transactionalId: req.transactionalId,
    transactionTimeoutMs: req.transactionTimeoutMs,
    producerId: req.producerId,
    producerEpoch: req.producerEpoch,
  });
  // KIP-588: InitProducerId below v4 knows no PRODUCER_FENCED.
  return { errorCode: txnCode(res.error, version, 4), producerId: res.producerId, producerEpoch: res.producerEpoch };
}
