import type * as wire from '@gregor/proto';
import type * as api from '../api';
import { int64, nullable, orEmpty, wireError } from './wire';

/** gregor.v1.Gregor's metadata and admin RPCs ↔ the broker's domain types. */

export function decodeMetadata(req: wire.MetadataRequest__Output): api.MetadataRequest {
  // proto3 cannot tell an absent list from an empty one: empty means all topics here.
  return { topics: req.topics.length === 0 ? null : req.topics, allowAutoTopicCreation: req.allowAutoTopicCreation };
}

export function encodeMetadata(res: api.MetadataResponse): wire.MetadataResponse {
  return {
    brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: orEmpty(b.rack) })),
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    topics: res.topics.map((t) => ({
      error: wireError(t.error),
      name: t.name,
      topicId: t.topicId,
      isInternal: t.isInternal,
      partitions: t.partitions.map((p) => ({ ...p, error: wireError(p.error) })),
    })),
  };
}

export function decodeCreateTopics(req: wire.CreateTopicsRequest__Output): api.CreateTopicsRequest {
  return { topics: req.topics, timeoutMs: req.timeoutMs, validateOnly: req.validateOnly };
}

export function encodeCreateTopics(res: api.CreateTopicsResponse): wire.CreateTopicsResponse {
  return { topics: res.topics.map((t) => ({ ...t, error: wireError(t.error) })) };
}

export function decodeDeleteTopics(req: wire.DeleteTopicsRequest__Output): api.DeleteTopicsRequest {
  return { topicNames: req.topicNames, timeoutMs: req.timeoutMs };
}

export function encodeDeleteTopics(res: api.DeleteTopicsResponse): wire.DeleteTopicsResponse {
  return { topics: res.topics.map((t) => ({ name: t.name, error: wireError(t.error) })) };
}

export function decodeCreatePartitions(req: wire.AddPartitionsRequest__Output): api.CreatePartitionsRequest {
  return { topics: req.topics, timeoutMs: req.timeoutMs, validateOnly: req.validateOnly };
}

export function encodeCreatePartitions(res: api.CreatePartitionsResponse): wire.AddPartitionsResponse {
  return { results: res.results.map((r) => ({ name: r.name, error: wireError(r.error) })) };
}

export function decodeDeleteRecords(req: wire.DeleteRecordsRequest__Output): api.DeleteRecordsRequest {
  return {
    timeoutMs: req.timeoutMs,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, offset: int64(p.offset, 'offset') })) })),
  };
}

export function encodeDeleteRecords(res: api.DeleteRecordsResponse): wire.DeleteRecordsResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partition, error: wireError(p.error), lowWatermark: p.lowWatermark.toString() })),
    })),
  };
}

const RESOURCE_TYPE_NUMBER: Readonly<Record<string, number>> = { RESOURCE_TYPE_UNKNOWN: 0, RESOURCE_TYPE_TOPIC: 2, RESOURCE_TYPE_BROKER: 4 };

/** proto-loader gives a known enum value as its name and an unknown one as its number. */
function resourceType(value: wire.ResourceType__Output | number): number {
  return typeof value === 'number' ? value : (RESOURCE_TYPE_NUMBER[value] ?? 0);
}

export function decodeDescribeConfigs(req: wire.DescribeConfigsRequest__Output): api.DescribeConfigsRequest {
  return {
    resources: req.resources.map((r) => ({ resourceType: resourceType(r.resourceType), resourceName: r.resourceName, configNames: r.configNames })),
  };
}

export function encodeDescribeConfigs(res: api.DescribeConfigsResponse): wire.DescribeConfigsResponse {
  return {
    results: res.results.map((r) => ({
      error: wireError(r.error),
      resourceType: r.resourceType as wire.ResourceType,
      resourceName: r.resourceName,
      configs: r.configs,
    })),
  };
}

export function decodeAlterConfigs(req: wire.AlterConfigsRequest__Output): api.AlterConfigsRequest {
  return {
    resources: req.resources.map((r) => ({ resourceType: resourceType(r.resourceType), resourceName: r.resourceName, set: r.set, delete: r.delete })),
    validateOnly: req.validateOnly,
  };
}

export function encodeAlterConfigs(res: api.AlterConfigsResponse): wire.AlterConfigsResponse {
  return {
    results: res.results.map((r) => ({ error: wireError(r.error), resourceType: r.resourceType as wire.ResourceType, resourceName: r.resourceName })),
  };
}

export function decodeInitProducerId(req: wire.InitProducerIdRequest__Output): api.InitProducerIdRequest {
  return {
    transactionalId: nullable(req.transactionalId),
    transactionTimeoutMs: req.transactionTimeoutMs,
    producerId: int64(req.producerId, 'producer_id'),
    producerEpoch: req.producerEpoch,
  };
}

export function encodeInitProducerId(res: api.InitProducerIdResponse): wire.InitProducerIdResponse {
  return { error: wireError(res.error), producerId: res.producerId.toString(), producerEpoch: res.producerEpoch };
}
