import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ClientProto } from './generated/client';

/** Folder that holds gregor/v1/*.proto (works from src/ and from dist/). */
export const PROTO_ROOT = path.resolve(__dirname, '..');

/**
 * The options every loader in Gregor uses: camelCase fields, int64 as decimal
 * strings (converted to bigint at the RPC edge), bytes as Buffer, defaults
 * filled in so that absent scalars read as 0 / "" / [].
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

function load(file: string): grpc.GrpcObject {
  const def = protoLoader.loadSync(path.join(PROTO_ROOT, file), PROTO_LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def);
}

let clientProto: ClientProto | undefined;

/** The client API (gregor.v1.Gregor). Loaded once per process. */
export function loadClientProto(): ClientProto {
  clientProto ??= load('gregor/v1/client.proto') as unknown as ClientProto;
  return clientProto;
}

export * from './generated/gregor/v1';
