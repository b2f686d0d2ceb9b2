"""confluent-kafka (librdkafka 2.0.2, Debian's python3-confluent-kafka) driven by
tests/kafka. Same commands and JSON lines as kafka_python_client.py. Run with
/usr/bin/python3.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from common import args, emit, value_of, record_json, stop_requested, until


def metadata(a):
    md = AdminClient({"bootstrap.servers": a.bootstrap}).list_topics(timeout=15)
    emit({"brokers": sorted([{"id": b.id, "host": b.host, "port": b.port} for b in md.brokers.values()], key=lambda b: b["id"]),
          "topics": {t.topic: len(t.partitions) for t in md.topics.values()}})


def admin(a):
    ad = AdminClient({"bootstrap.servers": a.bootstrap})

    def errors(futures):
        out = []
        for f in futures.values():
            try:
                f.result(timeout=30)
                out.append(0)
            except Exception as e:  # noqa: BLE001 — the KafkaException carries Kafka's code
                out.append(e.args[0].code() if e.args and hasattr(e.args[0], "code") else repr(e))
        return out

    emit({"step": "create", "errors": errors(ad.create_topics([NewTopic(a.topic, 3, 3, config={"min.insync.replicas": "2"})]))})
    emit({"step": "partitions", "count": len(until(lambda: ad.list_topics(a.topic, timeout=15).topics[a.topic].partitions))})

    def describe():
        [f] = ad.describe_configs([ConfigResource("topic", a.topic)]).values()
        return {k: v.value for k, v in f.result(timeout=30).items()}

    emit({"step": "describe", "configs": describe()})
    emit({"step": "alter", "errors": errors(ad.alter_configs([ConfigResource("topic", a.topic, set_config={"retention.ms": "3600000", "min.insync.replicas": "2"})]))})
    emit({"step": "describe", "configs": describe()})
    emit({"step": "delete", "errors": errors(ad.delete_topics([a.topic], operation_timeout=30))})


def produce(a):
    conf = {"bootstrap.servers": a.bootstrap, "acks": "all", "compression.type": a.codec, "linger.ms": 0,
            "enable.idempotence": a.idempotent, "message.timeout.ms": 120000}
    p = Producer(conf)
    failed = []

    def on_delivery(err, msg):
        if err is not None:
            failed.append(err)
            emit({"error": str(err), "value": int(msg.value())})
        else:
            emit({"acked": int(msg.value()), "partition": msg.partition(), "offset": msg.offset()})

    i = a.start
    while (a.count == 0 or i < a.start + a.count) and not stop_requested() and not failed:
        kw = {} if a.partition is None else {"partition": a.partition}
        emit({"sent": i})
        p.produce(a.topic, key=("k%d" % i).encode(), value=value_of(i, a.pad), headers=[("seq", str(i).encode())], on_delivery=on_delivery, **kw)
        p.poll(a.interval_ms / 1000 if a.interval_ms else 0)
        i += 1
    left = p.flush(130)
    sys.exit(1 if failed or left else 0)


def consume(a):
    conf = {"bootstrap.servers": a.bootstrap, "auto.offset.reset": "earliest", "enable.auto.commit": False,
            "group.id": a.group or "tests-kafka-unused", "session.timeout.ms": 10000}
    c = Consumer(conf)
    if a.group:
        c.subscribe([a.topic], on_assign=lambda _c, tps: emit({"assigned": sorted(tp.partition for tp in tps)}))
    else:
        md = c.list_topics(a.topic, timeout=15)
        c.assign([TopicPartition(a.topic, p, -2) for p in md.topics[a.topic].partitions])  # -2: earliest
    n = 0
    last = time.time()
    while not stop_requested() and (a.max == 0 or n < a.max) and (a.idle_ms == 0 or time.time() - last < a.idle_ms / 1000):
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() != KafkaError._PARTITION_EOF:
                emit({"consumer_error": str(m.error())})
            continue
        emit(record_json(m.partition(), m.offset(), m.key(), m.value(), m.headers()))
        n += 1
        last = time.time()
        if a.group:
            c.commit(message=m, asynchronous=False)
    c.close()  # leaves the group


COMMANDS = {"metadata": metadata, "admin": admin, "produce": produce, "consume": consume}

if __name__ == "__main__":
    a = args()
    COMMANDS[a.command](a)
