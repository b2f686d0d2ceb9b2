import { GregorError } from './errors';

/** Kafka's rule (org.apache.kafka.common.internals.Topic): 1–249 of [a-zA-Z0-9._-], not "." or "..". */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Returns why a topic name is invalid, or undefined when it is valid. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name is ${name.length} characters, the limit is ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!LEGAL.test(name)) {
    return `topic name "${name}" is illegal: it may contain only ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

export function validateTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem !== undefined) throw new GregorError('INVALID_TOPIC_EXCEPTION', problem, { topic: name });
}
