import * as grpc from '@grpc/grpc-js';
import { GregorError } from '@gregor/common';

/**
 * The node to open the next Subscribe stream on: the best candidate, or,
 * after a failure, the one after the node that failed (so a dead node is
 * not asked twice in a row while others remain). Pure.
 */
export function chooseNode(candidates: readonly string[], lastFailed: string | undefined, failedAttempts: number): string {
  if (candidates.length === 0) throw new GregorError('NETWORK_EXCEPTION', 'no node to subscribe on: the bootstrap list is empty', { transport: true });
  if (lastFailed === undefined || failedAttempts === 0) return candidates[0]!;
  const i = candidates.indexOf(lastFailed);
  return candidates[(i + 1) % candidates.length]!;
}

/**
 * Ends that a subscriber must not retry (records.proto, retry policy):
 * INVALID_ARGUMENT (a bad open) and NOT_FOUND (an unknown topic). Every
 * other end — UNAVAILABLE, a broken connection, RESOURCE_EXHAUSTED, a node
 * that stops — reopens the stream on another node.
 */
export function isFatalStatus(err: GregorError): boolean {
  const code = err.context['grpcCode'];
  return code === grpc.status.INVALID_ARGUMENT || code === grpc.status.NOT_FOUND;
}
