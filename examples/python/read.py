"""Reads a Gregor topic from the start through gregor.v1.Records.Read.

  PYTHONPATH=<stubs> /usr/bin/python3 examples/python/read.py \
      --bootstrap 127.0.0.1:9092 --topic orders

Reads partitions 0, 1, 2, ... until the node answers NOT_FOUND (no such
partition), each from its earliest offset up to its high watermark, 1,000
records per call, and prints one JSON line per record
({"partition", "offset", "key", "value", "timestamp_ms"}). --follow keeps
long-polling partition --partition for new records instead.
"""
import argparse
import json

import grpc

from gregor.v1 import records_pb2
from gregor_client import Nodes

EARLIEST = -2


def text(msg, field):
    return getattr(msg, field).decode("utf-8", "replace") if msg.HasField(field) else None


def print_records(records):
    for r in records:
        print(json.dumps({"partition": r.partition, "offset": r.offset, "key": text(r, "key"), "value": text(r, "value"), "timestamp_ms": r.timestamp_ms}))


def read_to_end(nodes, topic, partition):
    offset = EARLIEST
    while True:
        res = nodes.call("Read", records_pb2.ReadRequest(topic=topic, partition=partition, offset=offset, max_records=1000))
        print_records(res.records)
        offset = res.next_offset
        if offset >= res.high_watermark:
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True, help="host:port of one or more nodes, comma-separated")
    ap.add_argument("--topic", required=True)
    ap.add_argument("--follow", action="store_true", help="long-poll --partition for new records, forever")
    ap.add_argument("--partition", type=int, default=0)
    args = ap.parse_args()

    nodes = Nodes(args.bootstrap)
    if args.follow:
        offset = -1  # from the end: only new records
        while True:
            res = nodes.call("Read", records_pb2.ReadRequest(topic=args.topic, partition=args.partition, offset=offset, max_wait_ms=10000), timeout_s=40)
            print_records(res.records)
            offset = res.next_offset
    partition = 0
    while True:
        try:
            read_to_end(nodes, args.topic, partition)
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND and partition > 0:
                break  # past the last partition
            raise
        partition += 1
    nodes.close()


if __name__ == "__main__":
    main()
