"""What the Python client programs share: arguments, JSON output, SIGTERM."""
import argparse
import json
import signal
import sys

_stop = False


def _on_term(_sig, _frame):
    global _stop
    _stop = True


signal.signal(signal.SIGTERM, _on_term)


def stop_requested():
    return _stop


def args():
    p = argparse.ArgumentParser()
    p.add_argument("command")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic")
    p.add_argument("--group")
    p.add_argument("--codec", default="none")
    p.add_argument("--count", type=int, default=0, help="values to send; 0: until SIGTERM")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--partition", type=int)
    p.add_argument("--interval-ms", type=int, default=0)
    p.add_argument("--max", type=int, default=0, help="records to read; 0: until SIGTERM or idle")
    p.add_argument("--idle-ms", type=int, default=0, help="stop after this long without a record; 0: never")
    p.add_argument("--idempotent", action="store_true")
    p.add_argument("--pad", type=int, default=0, help="pad values with spaces to this length (compressible, so every codec compresses)")
    return p.parse_args()


def value_of(i, pad):
    return str(i).ljust(pad).encode()


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _text(b):
    return None if b is None else b.decode("utf-8")


def record_json(partition, offset, key, value, headers):
    return {"p": partition, "o": offset, "k": _text(key), "v": _text(value),
            "h": {k: _text(v) for k, v in (headers or [])}}


def until(probe, timeout_s=15.0, interval_s=0.1):
    """probe() until it returns something truthy or the deadline passes; its last answer.

    A topic just created is visible to the broker that answered CreateTopics'
    controller write, not yet to every broker a client asks next (as in
    Kafka: metadata propagates), so a step that needs it waits for it."""
    import time
    deadline = time.monotonic() + timeout_s
    while True:
        got = probe()
        if got or time.monotonic() >= deadline:
            return got
        time.sleep(interval_s)
