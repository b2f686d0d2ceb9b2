import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AdminProto } from './generated/admin';
import type { ProtoGrpcType as ClientProto } from './generated/client';
import type { ProtoGrpcType as ControllerProto } from './generated/controller';
import type { ProtoGrpcType as RecordsProto } from './generated/records';
import type { ProtoGrpcType as ReplicationProto } from './generated/replication';
import { withRecordsCodecs } from './records-codec';

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

let controllerProto: ControllerProto | undefined;

/** The controller quorum API (gregor.v1.GregorController). Loaded once per process. */
export function loadControllerProto(): ControllerProto {
  controllerProto ??= load('gregor/v1/controller.proto') as unknown as ControllerProto;
  return controllerProto;
}

let replicationProto: ReplicationProto | undefined;

/**
 * The replication API (gregor.v1.GregorReplication): followers fetching from
 * partition leaders. Served on the client listener. Loaded once per process.
 */
export function loadReplicationProto(): ReplicationProto {
  replicationProto ??= load('gregor/v1/replication.proto') as unknown as ReplicationProto;
  return replicationProto;
}

let adminProto: AdminProto | undefined;

/**
 * The cluster administration API (gregor.v1.GregorAdmin: DescribeCluster),
 * served on the client listener. Loaded once per process.
 */
export function loadAdminProto(): AdminProto {
  adminProto ??= load('gregor/v1/admin.proto') as unknown as AdminProto;
  return adminProto;
}

let recordsProto: RecordsProto | undefined;

/**
 * The record-level API for services in any language (gregor.v1.Records:
 * Publish, Subscribe, Read), served on the client listener. Loaded once per
 * process.
 */
export function loadRecordsProto(): RecordsProto {
  recordsProto ??= load('gregor/v1/records.proto') as unknown as RecordsProto;
  return recordsProto;
}

let recordsDefinition: grpc.ServiceDefinition | undefined;

/**
 * gregor.v1.Records with hand-placed codecs on its hot messages
 * (records-codec.ts): what the node serves and the SDK's Subscribe dials.
 */
export function recordsServiceDefinition(): grpc.ServiceDefinition {
  recordsDefinition ??= withRecordsCodecs(loadRecordsProto().gregor.v1.Records.service);
  return recordsDefinition;
}

export {
  coalesceAcks,
  decodePublishRequest,
  decodeSubscribeRequest,
  decodeSubscribeResponse,
  encodePublishResponse,
  encodeSubscribeAcks,
  encodeSubscribeRecords,
  type RecordsWireAck,
  type RecordsWireAckRange,
  type RecordsWireRecord,
  type SubscribeRequestIn,
  type SubscribeResponseIn,
} from './records-codec';
export * from './generated/gregor/v1';
