import { tpKey } from '@gregor/common';
import type { BrokerContext } from './broker-context';
import { shouldAnswerFetchNow, type FetchShape } from './fetch-budget';
import type { FetchWaiter } from './fetch-purgatory';

/** One read of a fetch's partitions. */
export interface FetchRound<R> {
  response: R;
  bytes: number;
  /** Any partition in error (or, for followers, diverging): answer at once. */
  anyError: boolean;
}

/**
 * The long-poll shared by the client Fetch and the follower FetchFromLeader:
 * read once; if the answer is not good enough yet (fewer than min_bytes, no
 * error), park in the bounded purgatory and read again whenever a produce,
 * a high-watermark move or a role change touches one of the partitions,
 * answering once min_bytes are there or max_wait_ms has passed. Shutdown
 * and client cancellation end the wait.
 */
export async function answerWhenReady<R>(
  ctx: BrokerContext,
  shape: FetchShape,
  partitions: readonly { topic: string; partition: number }[],
  read: (first: boolean) => Promise<FetchRound<R>>,
  signal: AbortSignal | undefined,
  cancelled: R,
): Promise<R> {
  const first = await read(true);
  if (shouldAnswerFetchNow(shape, first.bytes, first.anyError, ctx.isStopping())) return first.response;
  return new Promise<R>((resolve) => {
    let done = false;
    let reading = false;
    let wokenWhileReading = false;
    let expired = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => finish(cancelled);
    const finish = (response: R): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      // A front end may pass one signal for a whole connection: leave nothing on it.
      signal?.removeEventListener('abort', onAbort);
      ctx.purgatory.remove(waiter);
      resolve(response);
    };
    const evaluate = async (): Promise<void> => {
      if (done) return;
      if (reading) {
        wokenWhileReading = true;
        return;
      }
      reading = true;
      try {
        do {
          wokenWhileReading = false;
          const again = await read(false);
          if (expired || shouldAnswerFetchNow(shape, again.bytes, again.anyError, ctx.isStopping())) {
            finish(again.response);
            return;
          }
        } while (wokenWhileReading && !done);
      } catch (err) {
        ctx.logger.error('fetch re-read failed', { err: err instanceof Error ? err.stack : String(err) });
        finish(first.response);
      } finally {
        reading = false;
      }
    };
    const waiter: FetchWaiter = { wake: () => void evaluate() };
    const keys = [...new Set(partitions.map((t) => tpKey(t.topic, t.partition)))];
    if (!ctx.purgatory.tryAdd(waiter, keys)) {
      finish(first.response);
      return;
    }
    timer = setTimeout(() => {
      expired = true;
      void evaluate();
    }, shape.maxWaitMs);
    // A client that went away while the first read ran is answered at once.
    if (signal?.aborted === true) finish(cancelled);
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
