import type { Producer } from '@gregor/client';
import type { SinkRecord } from '../api/connector';
import type { TopicEnsurer } from './topics';

/**
 * Kafka Connect's dead-letter queue for sinks: the record's original bytes go
 * to `errors.deadletterqueue.topic.name`, with Kafka's `__connect.errors.*`
 * headers when `errors.deadletterqueue.context.headers.enable=true`. The
 * send is awaited, so a record's offset is committed only once it is either
 * delivered or dead-lettered.
 */
export interface DeadLetterContext {
  readonly topic: string;
  readonly contextHeaders: boolean;
  readonly connector: string;
  readonly taskId: number;
}

export type ErrorStage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT';

export function deadLetterHeaders(ctx: DeadLetterContext, record: SinkRecord, stage: ErrorStage, error: Error): { key: string; value: string }[] {
  if (!ctx.contextHeaders) return [];
  return [
    { key: '__connect.errors.topic', value: record.topic },
    { key: '__connect.errors.partition', value: String(record.kafkaPartition) },
    { key: '__connect.errors.offset', value: String(record.kafkaOffset) },
    { key: '__connect.errors.connector.name', value: ctx.connector },
    { key: '__connect.errors.task.id', value: String(ctx.taskId) },
    { key: '__connect.errors.stage', value: stage },
    { key: '__connect.errors.class.name', value: stage === 'TASK_PUT' ? 'SinkTask' : stage === 'TRANSFORMATION' ? 'Transformation' : 'Converter' },
    { key: '__connect.errors.exception.class.name', value: error.name },
    { key: '__connect.errors.exception.message', value: error.message },
    { key: '__connect.errors.exception.stacktrace', value: error.stack ?? error.message },
  ];
}

export async function sendToDeadLetter(
  producer: Producer,
  topics: TopicEnsurer,
  ctx: DeadLetterContext,
  record: SinkRecord,
  stage: ErrorStage,
  error: Error,
): Promise<void> {
  await topics.ensure([ctx.topic]);
  const original = record.headers?.map((h) => ({ key: h.key, value: h.value })) ?? [];
  await producer.send({
    topic: ctx.topic,
    key: record.raw.key,
    value: record.raw.value,
    headers: [...original, ...deadLetterHeaders(ctx, record, stage, error)],
  });
}
