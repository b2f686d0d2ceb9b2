"""The producer of scripts/kafka-demo.sh: kafka-python (Debian's python3-kafka
2.0.2, run with /usr/bin/python3) sends a counter 0, 1, 2, … to one partition
every INTERVAL ms with acks=all, bootstrapped from one node's KAFKA listener
only, and appends each acknowledged value to ACKED_FILE. While a value is in
flight (sent, not yet acknowledged) IN_FLIGHT_FILE holds it, so the demo can
pick its moment. Stops cleanly on SIGTERM; exits 1 if a value could not be
delivered.

usage: kafka-demo-producer.py BOOTSTRAP TOPIC PARTITION INTERVAL_MS ACKED_FILE IN_FLIGHT_FILE
"""
import os
import signal
import sys
import time

from kafka import KafkaProducer

bootstrap, topic, partition, interval_ms, acked_file, in_flight_file = sys.argv[1:7]
stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)


def say(text):
    print("producer | " + text, flush=True)


# kafka-python 2.0.2 has no idempotent producer: a retry after an answer was
# lost could append a value twice. One request in flight keeps the order.
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=1000, retry_backoff_ms=200,
                         max_in_flight_requests_per_connection=1, request_timeout_ms=10000, linger_ms=0)
say("connected through %s (bootstrap: that node only); sending to %s-%s every %s ms" % (bootstrap, topic, partition, interval_ms))
value = 0
with open(acked_file, "a") as acked:
    while not stop:
        with open(in_flight_file, "w") as f:
            f.write("%d\n" % value)
        started = time.time()
        try:
            md = producer.send(topic, value=str(value).encode(), partition=int(partition)).get(timeout=120)
        except Exception as e:  # noqa: BLE001 — reported, and the demo fails
            say("FAILED to deliver %d: %r" % (value, e))
            sys.exit(1)
        os.remove(in_flight_file)
        acked.write("%d\n" % value)
        acked.flush()
        took_ms = (time.time() - started) * 1000
        if value % 10 == 0 or took_ms > 1000:
            say("%d acknowledged at offset %d%s" % (value, md.offset, " (after %.1f s of retries)" % (took_ms / 1000) if took_ms > 1000 else ""))
        value += 1
        time.sleep(int(interval_ms) / 1000)
producer.close(timeout=30)
say("stopped after %d values" % value)
