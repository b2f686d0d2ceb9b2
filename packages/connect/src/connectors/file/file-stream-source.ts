import { open, type FileHandle } from 'node:fs/promises';
import { ConfigDef, cfg } from '../../api/config-def';
import type { ConnectorPlugin, Props, SourceConnector, SourceRecord, SourceTask, SourceTaskContext } from '../../api/connector';
import { ConnectError } from '../../api/errors';
import { Signal } from '../../runtime/signal';
import { splitLines } from './lines';

export const FILE_VERSION = '1.0.0';
const READ_CHUNK_BYTES = 64 * 1024;
/** A line longer than this fails the task instead of growing the buffer without bound. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** How long an idle poll waits for the file to grow before returning nothing. */
const IDLE_WAIT_MS = 250;

const CONFIG = new ConfigDef({
  file: { type: 'string', importance: 'HIGH', doc: 'Source filename.' },
  topic: {
    type: 'string', importance: 'HIGH', doc: 'The topic to publish data to.',
    check: (v) => (String(v).includes(',') ? 'FileStreamSourceConnector only supports a single topic' : String(v).trim() === '' ? 'String must be non-empty' : undefined),
  },
  'batch.size': { type: 'int', default: 2000, min: 1, importance: 'LOW', doc: 'The maximum number of records the source task can read from the file each time it is polled.' },
});

/**
 * Kafka's FileStreamSourceConnector: each line of a file becomes one record
 * (a STRING value, no key). The source partition is `{filename}`, the offset
 * `{position}`: the byte position after the line, so a restarted task
 * resumes at the next unread line. A line is emitted only once its newline
 * was written. One task (the file is read sequentially).
 */
export class FileStreamSourceConnector implements SourceConnector {
  readonly type = 'source' as const;
  private props: Props = {};

  version(): string {
    return FILE_VERSION;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  /** Its offset is the byte after the last line sent, so it resumes exactly there (as Kafka's). */
  exactlyOnceSupport(): 'SUPPORTED' {
    return 'SUPPORTED';
  }

  start(props: Props): void {
    this.props = props;
  }

  taskConfigs(): Props[] {
    return [{ file: this.props['file']!, topic: this.props['topic']!, 'batch.size': this.props['batch.size'] ?? '2000' }];
  }

  stop(): void {}

  createTask(): SourceTask {
    return new FileStreamSourceTask();
  }
}

export class FileStreamSourceTask implements SourceTask {
  private file = '';
  private topic = '';
  private batchSize = 2000;
  private handle: FileHandle | undefined;
  private position = 0;
  private pending: Buffer = Buffer.alloc(0);
  private stopped = false;
  private readonly wake = new Signal();

  version(): string {
    return FILE_VERSION;
  }

  start(props: Props, context: SourceTaskContext): void {
    const v = CONFIG.parse(props);
    this.file = cfg.str(v, 'file');
    this.topic = cfg.str(v, 'topic');
    this.batchSize = cfg.int(v, 'batch.size');
    const stored = context.offsetStorageReader.offset({ filename: this.file });
    const position = stored?.['position'];
    if (position !== undefined) {
      if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) throw new ConnectError(`Offset position is the incorrect type: ${JSON.stringify(position)}`);
      this.position = position;
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.handle === undefined) {
      try {
        this.handle = await open(this.file, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await this.wake.wait(IDLE_WAIT_MS); // not there yet: Kafka's task waits for it too
        return null;
      }
    }
    const records = await this.readLines();
    if (records.length === 0 && !this.stopped) await this.wake.wait(IDLE_WAIT_MS);
    return records;
  }

  private async readLines(): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    // `position` is the file offset of the first byte of `pending`.
    for (;;) {
      const { lines, rest } = splitLines(this.pending, this.batchSize - records.length);
      for (const line of lines) {
        this.position += line.bytes;
        records.push({
          sourcePartition: { filename: this.file },
          sourceOffset: { position: this.position },
          topic: this.topic,
          valueSchema: { type: 'string', optional: false },
          value: line.text,
        });
      }
      this.pending = rest;
      if (records.length >= this.batchSize) break;
      const chunk = Buffer.alloc(READ_CHUNK_BYTES);
      const { bytesRead } = await this.handle!.read(chunk, 0, chunk.length, this.position + this.pending.length);
      if (bytesRead === 0) break;
      if (this.pending.length + bytesRead > MAX_LINE_BYTES) throw new ConnectError(`${this.file}: a line at byte ${this.position} is longer than ${MAX_LINE_BYTES} bytes`);
      this.pending = Buffer.concat([this.pending, chunk.subarray(0, bytesRead)]);
    }
    return records;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    await this.handle?.close();
    this.handle = undefined;
  }
}

export const FILE_STREAM_SOURCE: ConnectorPlugin = {
  className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  type: 'source',
  version: FILE_VERSION,
  create: () => new FileStreamSourceConnector(),
};
