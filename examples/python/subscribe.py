"""Subscribes to Gregor topics in a consumer group through gregor.v1.Records:
records are pushed on one bidirectional stream and acked after processing.

  PYTHONPATH=<stubs> /usr/bin/python3 examples/python/subscribe.py \
      --bootstrap 127.0.0.1:9092,127.0.0.1:9093 --topic orders --group billing --idle-ms 5000

Prints one JSON line per record ({"partition", "offset", "key", "value",
"attempt"}) and acks it after printing, plus {"assignment": [...]} and
{"node": "host:port"} lines when the stream's partitions or node change.
Subscribers with the same --group share the partitions. When the stream
ends or breaks (its node died, UNAVAILABLE...), it is opened again on the
next node after a backoff (records.proto: retry policy); INVALID_ARGUMENT and
NOT_FOUND end the program; the new stream names the broken one's group
member (replaces_member_id) so that the node moves its partitions at once
instead of after its session timeout. Stops after --max records, or --idle-ms without
one (counted once it owns partitions), then closes the stream so that the
node commits the acked records and leaves the group.
"""
import argparse
import json
import queue
import sys
import threading

import grpc

from gregor.v1 import records_pb2
from gregor_client import Nodes, error_name

# Ends of a stream that opening it again cannot fix.
FATAL = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND}


def emit(obj):
    print(json.dumps(obj), flush=True)


def text(b):
    return b.decode("utf-8", "replace")


class Stream:
    """One Subscribe call: requests go through a queue, responses come from a reader thread."""

    def __init__(self, stub, open_request, events):
        self.requests = queue.Queue()
        self.requests.put(records_pb2.SubscribeRequest(open=open_request))
        self.call = stub.Subscribe(self._request_iterator())
        threading.Thread(target=self._read, args=(events,), daemon=True).start()

    def _request_iterator(self):
        while True:
            item = self.requests.get()
            if item is None:
                return  # half-close: the node commits what was acked, leaves the group and ends the call
            yield item

    def _read(self, events):
        try:
            for response in self.call:
                events.put(("response", self, response))
            events.put(("end", self, None))
        except grpc.RpcError as err:
            events.put(("end", self, err))

    def ack(self, records):
        acks = [records_pb2.RecordAck(topic=r.topic, partition=r.partition, offset=r.offset) for r in records]
        self.requests.put(records_pb2.SubscribeRequest(ack=records_pb2.SubscribeAcks(acks=acks)))

    def close(self):
        self.requests.put(None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True, help="host:port of one or more nodes, comma-separated; the first is tried first")
    ap.add_argument("--topic", required=True, action="append", help="repeatable")
    ap.add_argument("--group", required=True)
    ap.add_argument("--from-beginning", action="store_true", help="partitions without a committed offset start at the earliest record")
    ap.add_argument("--max", type=int, default=0, help="stop after this many records (0 = no limit)")
    ap.add_argument("--idle-ms", type=int, default=0, help="stop after this long without a record (0 = never)")
    ap.add_argument("--max-outstanding", type=int, default=0, help="unacked records the node may push at once (0 = its default)")
    ap.add_argument("--ack-deadline-ms", type=int, default=0, help="unacked records are pushed again after this long (0 = the node's default)")
    args = ap.parse_args()

    nodes = Nodes(args.bootstrap)
    open_request = records_pb2.SubscribeOpen(
        group=args.group,
        topics=args.topic,
        start=records_pb2.SUBSCRIBE_START_EARLIEST if args.from_beginning else records_pb2.SUBSCRIBE_START_LATEST,
        max_outstanding_records=args.max_outstanding,
        ack_deadline_ms=args.ack_deadline_ms,
    )
    events = queue.Queue()
    received = 0
    failures = 0
    owns_partitions = False
    stream = None
    member_id = ""  # the current stream's group member (from its assignment notices)
    replaces = ""  # the broken stream's member: the next open has the node remove it at once
    while True:
        if stream is None:
            emit({"node": nodes.addresses[nodes.current]})
            request = records_pb2.SubscribeOpen()
            request.CopyFrom(open_request)
            request.replaces_member_id = replaces
            stream = Stream(nodes.stubs[nodes.current], request, events)
        idle = args.idle_ms / 1000 if args.idle_ms > 0 and owns_partitions else None
        try:
            kind, source, payload = events.get(timeout=idle)
        except queue.Empty:
            break  # idle for --idle-ms
        if source is not stream:
            continue  # a stream given up on already
        if kind == "response":
            if payload.HasField("assignment"):
                failures = 0  # the stream is up: the next failure backs off from the start again
                member_id, replaces = payload.assignment.member_id, ""
                owned = [{"topic": t.topic, "partitions": list(t.partitions)} for t in payload.assignment.partitions]
                owns_partitions = any(t["partitions"] for t in owned)
                emit({"assignment": owned})
            else:
                batch = payload.records.records
                for r in batch:
                    emit({
                        "partition": r.partition,
                        "offset": r.offset,
                        "key": text(r.key) if r.HasField("key") else None,
                        "value": text(r.value) if r.HasField("value") else None,
                        "attempt": r.delivery_attempt,
                    })
                stream.ack(batch)  # after processing (printing): at-least-once
                received += len(batch)
                if args.max and received >= args.max:
                    break
            continue
        # The stream ended: fatal, or open it again on the next node after a backoff.
        if payload is not None and payload.code() in FATAL:
            print("subscribe failed: %s %s: %s" % (payload.code(), error_name(payload), payload.details()), file=sys.stderr)
            sys.exit(2)
        failures += 1
        if failures > nodes.attempts:
            print("subscribe: gave up after %d attempts" % nodes.attempts, file=sys.stderr)
            sys.exit(2)
        stream = None
        owns_partitions = False
        replaces, member_id = member_id or replaces, ""
        nodes.current = (nodes.current + 1) % len(nodes.stubs)
        nodes.backoff(failures - 1)

    if stream is not None:
        stream.close()
        # Wait (bounded) for the node to end the call: by then it has committed the acked records.
        while True:
            try:
                kind, source, _ = events.get(timeout=10)
            except queue.Empty:
                break
            if source is stream and kind == "end":
                break
    nodes.close()


if __name__ == "__main__":
    main()
