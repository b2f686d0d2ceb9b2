import * as grpc from '@grpc/grpc-js';
import { GregorError, grpcChannelOptions, INTER_NODE_KEEPALIVE, isGregorError } from '@gregor/common';
import { loadClientProto, type GregorClient } from '@gregor/proto';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../api/transactions';
import { decodeAddPartitionsToTxnResponse, decodeWriteTxnMarkersResponse, encodeAddPartitionsToTxnRequest, encodeWriteTxnMarkersRequest } from '../grpc/txn-codec';

/**
 * The transaction calls one broker makes to another: a coordinator's
 * WriteTxnMarkers to a partition leader, a partition leader's
 * AddPartitionsToTxn(verify_only) to a coordinator (KIP-890). An interface
 * so that tests can script the other side.
 */
export interface TxnPeerClient {
  writeTxnMarkers(request: WriteTxnMarkersRequest, timeoutMs: number): Promise<WriteTxnMarkersResponse>;
  addPartitionsToTxn(request: AddPartitionsToTxnRequest, timeoutMs: number): Promise<AddPartitionsToTxnResponse>;
  close(): void;
}

export type TxnPeerClientFactory = (address: string) => TxnPeerClient;

/**
 * One client per broker address (inter-broker listener), made on first use;
 * a call that fails on the network closes its client, so the next call
 * builds the channel again (the broker may have restarted elsewhere).
 * Bounded by the number of brokers.
 */
export class TxnPeers {
  private readonly clients = new Map<string, TxnPeerClient>();

  constructor(private readonly factory: TxnPeerClientFactory = grpcTxnPeerClient) {}

  async call<T>(address: string, fn: (client: TxnPeerClient) => Promise<T>): Promise<T> {
    let client = this.clients.get(address);
    if (client === undefined) this.clients.set(address, (client = this.factory(address)));
    try {
      return await fn(client);
    } catch (err) {
      if (isGregorError(err) && this.clients.get(address) === client) {
        client.close();
        this.clients.delete(address);
      }
      throw err;
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** The real client: gregor.v1.Gregor over one gRPC channel. */
function grpcTxnPeerClient(address: string): TxnPeerClient {
  const Ctor = loadClientProto().gregor.v1.Gregor;
  const client: GregorClient = new Ctor(address, grpc.credentials.createInsecure(), grpcChannelOptions(INTER_NODE_KEEPALIVE));
  const failed = (method: string, err: grpc.ServiceError): GregorError =>
    new GregorError(err.code === grpc.status.DEADLINE_EXCEEDED ? 'REQUEST_TIMED_OUT' : 'NETWORK_EXCEPTION', `${method} to ${address}: ${err.details || err.message}`, {}, err);
  return {
    writeTxnMarkers(request, timeoutMs) {
      return new Promise((resolve, reject) => {
        client.WriteTxnMarkers(encodeWriteTxnMarkersRequest(request), { deadline: Date.now() + timeoutMs }, (err, res) => {
          if (err !== null) reject(failed('WriteTxnMarkers', err));
          else resolve(decodeWriteTxnMarkersResponse(res!));
        });
      });
    },
    addPartitionsToTxn(request, timeoutMs) {
      return new Promise((resolve, reject) => {
        client.AddPartitionsToTxn(encodeAddPartitionsToTxnRequest(request), { deadline: Date.now() + timeoutMs }, (err, res) => {
          if (err !== null) reject(failed('AddPartitionsToTxn', err));
          else resolve(decodeAddPartitionsToTxnResponse(res!));
        });
      });
    },
    close() {
      client.close();
    },
  };
}
