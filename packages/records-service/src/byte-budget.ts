import { assert } from '@gregor/common';

/**
 * Bytes in flight against a limit. A take that would pass the limit is
 * refused, except when nothing is in flight (one request as large as
 * max.request.size must always be able to pass, whatever the limit). Pure.
 */
export class ByteBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number) {
    assert(limitBytes > 0, 'a byte budget needs a positive limit');
  }

  get used(): number {
    return this.usedBytes;
  }

  tryTake(bytes: number): boolean {
    if (this.usedBytes > 0 && this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    assert(bytes <= this.usedBytes, 'released more bytes than were taken');
    this.usedBytes -= bytes;
  }
}
