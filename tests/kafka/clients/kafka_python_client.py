"""kafka-python (2.0.2, Debian's python3-kafka) driven by tests/kafka.

One command per run; every result is one JSON object per line on stdout
(the protocol is the same for every client program in this folder, see
tests/kafka/client-driver.ts). Run with /usr/bin/python3.
"""
import sys
import time

from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

from common import args, emit, value_of, record_json, stop_requested, until


def metadata(a):
    c = KafkaConsumer(bootstrap_servers=a.bootstrap)
    topics = c.topics()
    brokers = c._client.cluster.brokers()
    emit({"brokers": sorted([{"id": b.nodeId, "host": b.host, "port": b.port} for b in brokers], key=lambda b: b["id"]),
          "topics": {t: len(c.partitions_for_topic(t) or []) for t in topics}})
    c.close()


def admin(a):
    ad = KafkaAdminClient(bootstrap_servers=a.bootstrap)
    r = ad.create_topics([NewTopic(a.topic, 3, 3, topic_configs={"min.insync.replicas": "2"})])
    emit({"step": "create", "errors": [e[1] for e in r.topic_errors]})
    probe = KafkaConsumer(bootstrap_servers=a.bootstrap)
    emit({"step": "partitions", "count": len(until(lambda: probe.partitions_for_topic(a.topic)) or [])})
    probe.close()

    def describe():
        res = ad.describe_configs([ConfigResource(ConfigResourceType.TOPIC, a.topic)])[0].resources[0]
        return {e[0]: e[1] for e in res[4]}

    emit({"step": "describe", "configs": describe()})
    r = ad.alter_configs([ConfigResource(ConfigResourceType.TOPIC, a.topic, configs={"retention.ms": "3600000", "min.insync.replicas": "2"})])
    emit({"step": "alter", "errors": [x[0] for x in r.resources]})
    emit({"step": "describe", "configs": describe()})
    r = ad.delete_topics([a.topic])
    emit({"step": "delete", "errors": [e[1] for e in r.topic_error_codes]})
    ad.close()


def produce(a):
    p = KafkaProducer(bootstrap_servers=a.bootstrap, acks="all", retries=2147483647, max_in_flight_requests_per_connection=1,
                      compression_type=None if a.codec == "none" else a.codec, request_timeout_ms=10000, linger_ms=0)
    i = a.start
    while (a.count == 0 or i < a.start + a.count) and not stop_requested():
        emit({"sent": i})
        fut = p.send(a.topic, key=("k%d" % i).encode(), value=value_of(i, a.pad), headers=[("seq", str(i).encode())],
                     partition=a.partition)
        try:
            md = fut.get(timeout=120)
            emit({"acked": i, "partition": md.partition, "offset": md.offset})
        except Exception as e:  # noqa: BLE001 — reported to the test, which decides
            emit({"error": repr(e), "value": i})
            sys.exit(1)
        i += 1
        if a.interval_ms:
            time.sleep(a.interval_ms / 1000)
    p.close(timeout=30)


class _AssignmentReporter(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        emit({"assigned": sorted(tp.partition for tp in assigned)})


def consume(a):
    opts = dict(bootstrap_servers=a.bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
                consumer_timeout_ms=200, session_timeout_ms=10000, heartbeat_interval_ms=1000)
    if a.group:
        c = KafkaConsumer(group_id=a.group, **opts)
        c.subscribe([a.topic], listener=_AssignmentReporter())
    else:
        c = KafkaConsumer(**opts)
        parts = c.partitions_for_topic(a.topic) or []
        c.assign([TopicPartition(a.topic, p) for p in parts])
    n = 0
    last = time.time()
    while not stop_requested() and (a.max == 0 or n < a.max) and (a.idle_ms == 0 or time.time() - last < a.idle_ms / 1000):
        for m in c:
            emit(record_json(m.partition, m.offset, m.key, m.value, m.headers))
            n += 1
            last = time.time()
            if a.group:
                c.commit()
            if stop_requested() or (a.max and n >= a.max):
                break
    c.close()  # leaves the group


COMMANDS = {"metadata": metadata, "admin": admin, "produce": produce, "consume": consume}

if __name__ == "__main__":
    a = args()
    COMMANDS[a.command](a)
