/**
 * What a codec throws; compression.ts turns it into a GregorError with the
 * batch's position. `malformed`: the bytes are not a valid stream of the
 * codec (CORRUPT_MESSAGE). `too-large`: the stream's own headers say it
 * decompresses past the cap (MESSAGE_TOO_LARGE), found before anything was
 * allocated for the output.
 */
export class CodecFrameError extends Error {
  constructor(
    readonly kind: 'malformed' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'CodecFrameError';
  }
}

export function malformed(message: string): CodecFrameError {
  return new CodecFrameError('malformed', message);
}

/** Throws `too-large` when a stream's decompressed-size bound passes the cap. */
export function checkBound(codec: string, boundBytes: number, maxBytes: number): void {
  if (boundBytes > maxBytes) {
    throw new CodecFrameError('too-large', `${codec} records may decompress to ${boundBytes} bytes, above the ${maxBytes}-byte cap`);
  }
}

/** Throws `malformed` unless `need` bytes remain at `pos`. */
export function need(data: Uint8Array, pos: number, need: number, what: string): void {
  if (pos + need > data.length) throw malformed(`truncated ${what} at byte ${pos} (needs ${need}, ${data.length - pos} left)`);
}
