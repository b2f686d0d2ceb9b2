import { OFFSETS_TOPIC } from '@gregor/group-coordinator';
import { TRANSACTION_STATE_TOPIC } from '@gregor/transaction-coordinator';

/**
 * Kafka's internal topics: written only by their coordinators (clients get
 * INVALID_TOPIC_EXCEPTION), shown as internal in Metadata, and with a
 * partition count fixed for life (a key's coordinator is chosen by it).
 */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC]);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}
