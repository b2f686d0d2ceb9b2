import { open, type FileHandle } from 'node:fs/promises';
import { ConfigDef, cfg } from '../../api/config-def';
import type { ConnectorPlugin, Props, SinkConnector, SinkRecord, SinkTask } from '../../api/connector';
import { FILE_VERSION } from './file-stream-source';

const CONFIG = new ConfigDef({
  file: { type: 'string', importance: 'HIGH', doc: 'Destination filename.' },
});

/**
 * Kafka's FileStreamSinkConnector: appends each record's value as a line;
 * flush() fsyncs, so offsets are committed only for lines on disk. After a
 * crash, lines written since the last commit are written again (at least
 * once, as Kafka's).
 */
export class FileStreamSinkConnector implements SinkConnector {
  readonly type = 'sink' as const;
  private props: Props = {};

  version(): string {
    return FILE_VERSION;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  start(props: Props): void {
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ file: this.props['file']! }));
  }

  stop(): void {}

  createTask(): SinkTask {
    return new FileStreamSinkTask();
  }
}

export function lineOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

export class FileStreamSinkTask implements SinkTask {
  private handle: FileHandle | undefined;

  version(): string {
    return FILE_VERSION;
  }

  async start(props: Props): Promise<void> {
    const v = CONFIG.parse(props);
    this.handle = await open(cfg.str(v, 'file'), 'a');
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.handle!.write(records.map((r) => `${lineOf(r.value)}\n`).join(''));
  }

  async flush(): Promise<void> {
    await this.handle?.sync();
  }

  async stop(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

export const FILE_STREAM_SINK: ConnectorPlugin = {
  className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  type: 'sink',
  version: FILE_VERSION,
  create: () => new FileStreamSinkConnector(),
};
