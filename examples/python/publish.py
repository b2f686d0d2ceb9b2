"""Publishes keyed records to a Gregor topic through gregor.v1.Records.

  PYTHONPATH=<stubs> /usr/bin/python3 examples/python/publish.py \
      --bootstrap 127.0.0.1:9092,127.0.0.1:9093 --topic orders --count 10000 --batch 1000

--rate paces the batches (records per second). Record i has key "key-<i mod keys>" and value "value-<i>". The node picks the
partition from the key (murmur2, as every Kafka client does), so one key's
records stay in order in one partition. Records that fail with a retriable
error are published again (records.proto: retry policy). Prints one JSON
line: how many records were published, per partition.
"""
import argparse
import json
import time

from gregor.v1 import records_pb2
from gregor_client import Nodes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True, help="host:port of one or more nodes, comma-separated")
    ap.add_argument("--topic", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=1000, help="records per Publish call")
    ap.add_argument("--keys", type=int, default=100, help="distinct keys")
    ap.add_argument("--rate", type=float, default=0, help="at most this many records per second (0: as fast as it goes)")
    args = ap.parse_args()

    nodes = Nodes(args.bootstrap)
    per_partition = {}
    started = time.monotonic()
    for start in range(0, args.count, args.batch):
        if args.rate > 0:
            time.sleep(max(0.0, started + start / args.rate - time.monotonic()))
        pending = list(range(start, min(start + args.batch, args.count)))
        for attempt in range(30):
            records = [records_pb2.PublishRecord(key=b"key-%d" % (i % args.keys), value=b"value-%d" % i) for i in pending]
            response = nodes.call("Publish", records_pb2.PublishRequest(topic=args.topic, records=records))
            retry = []
            for i, result in zip(pending, response.results):
                if not result.HasField("error"):
                    per_partition[result.partition] = per_partition.get(result.partition, 0) + 1
                elif result.error.retriable:
                    retry.append(i)
                else:
                    raise SystemExit("record %d failed: %s %s" % (i, result.error.name, result.error.message))
            if not retry:
                break
            # A retried record may land after a later record of its key: Publish calls are not
            # ordered against each other, only records within one call.
            pending = retry
            nodes.backoff(attempt)
        else:
            raise SystemExit("%d records still failing after retries" % len(pending))
    nodes.close()
    print(json.dumps({"published": sum(per_partition.values()), "partitions": {str(p): n for p, n in sorted(per_partition.items())}}))


if __name__ == "__main__":
    main()
