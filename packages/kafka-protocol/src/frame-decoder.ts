import { KafkaProtocolError } from './errors';

/** Kafka's socket.request.max.bytes default: 100 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

export interface FrameDecoderOptions {
  /** Largest frame body accepted (socket.request.max.bytes); a bigger size prefix is an error. */
  maxFrameBytes?: number;
}

/**
 * Splits a byte stream into Kafka frames: int32 big-endian size, then that
 * many bytes. Feed it socket chunks with `push`; it hands back each complete
 * frame body (without the prefix).
 *
 * Bounds and costs: it holds at most one partial frame (≤ maxFrameBytes + 4
 * bytes) and never allocates for a frame before all of its bytes are here,
 * so a peer announcing 100 MiB and sending 10 bytes costs 10 bytes. A frame
 * inside one chunk is a view of it (no copy); a frame split across chunks is
 * copied once into a buffer of exactly its size, so each byte is copied at
 * most once whatever the chunking. A negative or oversized prefix is
 * reported (Kafka's InvalidReceiveException) before any of its body is
 * buffered, and the decoder stays failed: the caller closes the connection.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  /** Chunks of the partial frame from index `head` on (a queue without O(n) shifts). */
  private pending: Buffer[] = [];
  private head = 0;
  private pendingBytes = 0;
  /** Body size of the frame being assembled, once its prefix is known. */
  private frameBytes = -1;
  private failure: KafkaProtocolError | null = null;

  constructor(opts: FrameDecoderOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for a frame not yet complete. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /**
   * Appends `chunk` and returns the frames it completes, in order. Throws a
   * `frame-too-large` KafkaProtocolError for a bad size prefix, after
   * returning nothing of the chunk; frames completed before it in the same
   * chunk are delivered through `onFrame` first when given.
   */
  push(chunk: Buffer, onFrame?: (frame: Buffer) => void): Buffer[] {
    if (this.failure !== null) throw this.failure;
    const frames: Buffer[] = [];
    const emit = onFrame ?? ((f: Buffer) => frames.push(f));
    let pos = 0;
    // Fast path: no partial frame held, parse frames straight out of the chunk.
    while (this.frameBytes < 0 && this.pendingBytes === 0 && chunk.length - pos >= 4) {
      const size = this.checkSize(chunk.readInt32BE(pos));
      if (chunk.length - pos - 4 < size) break;
      emit(chunk.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    if (pos === chunk.length) return frames;
    this.append(pos === 0 ? chunk : chunk.subarray(pos));
    for (;;) {
      if (this.frameBytes < 0) {
        if (this.pendingBytes < 4) break;
        this.frameBytes = this.checkSize(this.take(4).readInt32BE(0));
      }
      if (this.pendingBytes < this.frameBytes) break;
      const frame = this.take(this.frameBytes);
      this.frameBytes = -1;
      emit(frame);
      if (this.pending.length - this.head === 1 && this.pendingBytes >= 4) {
        // Whatever follows sits in one chunk again: back to the fast path.
        const rest = this.pending[this.head]!;
        this.clear();
        this.push(rest, emit);
        break;
      }
    }
    return frames;
  }

  private checkSize(size: number): number {
    if (size < 0 || size > this.maxFrameBytes) {
      this.failure = new KafkaProtocolError(
        'frame-too-large',
        size < 0 ? `frame size ${size} is negative` : `frame of ${size} bytes is over the limit of ${this.maxFrameBytes} (socket.request.max.bytes)`,
        { frameBytes: size, maxFrameBytes: this.maxFrameBytes },
      );
      this.clear();
      throw this.failure;
    }
    return size;
  }

  private clear(): void {
    this.pending = [];
    this.head = 0;
    this.pendingBytes = 0;
  }

  private shift(): void {
    this.head++;
    if (this.head === this.pending.length) this.clear();
    else if (this.head > 64 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private append(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /** Removes the first `n` pending bytes: a view when one chunk holds them, else one copy. */
  private take(n: number): Buffer {
    const first = this.pending[this.head];
    if (first !== undefined && first.length >= n) {
      this.pendingBytes -= n;
      if (first.length === n) this.shift();
      else this.pending[this.head] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    this.pendingBytes -= n;
    let filled = 0;
    while (filled < n) {
      const c = this.pending[this.head]!;
      const used = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, used);
      filled += used;
      if (used === c.length) this.shift();
      else this.pending[this.head] = c.subarray(used);
    }
    return out;
  }
}
