import type { ConnectorPlugin } from '../api/connector';
import { FILE_STREAM_SINK } from './file/file-stream-sink';
import { FILE_STREAM_SOURCE } from './file/file-stream-source';
import { HTTP_SINK } from './http/http-sink';
import { PG_CDC_SOURCE } from './postgres/pg-cdc-source';
import { PG_SINK } from './postgres/pg-sink';

/** The connectors this runtime ships (GET /connector-plugins). */
export const BUILTIN_CONNECTORS: readonly ConnectorPlugin[] = [FILE_STREAM_SOURCE, FILE_STREAM_SINK, HTTP_SINK, PG_CDC_SOURCE, PG_SINK];
