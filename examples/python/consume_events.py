#!/usr/bin/env python3
"""Reads account-events from the beginning to the end, verifies every account's hash chain and
totals what each account has ordered, per currency; prints JSON. Exits 1 naming a broken link.

    protoc -I proto --python_out=gen proto/timeline/v1/*.proto
    PYTHONPATH=gen python3 examples/python/consume_events.py --brokers 127.0.0.1:19092

The contract it relies on is proto/README.md; the hash layout is docs/wire-format.md.
"""
import argparse
import hashlib
import json
import struct
import sys
import uuid
from collections import defaultdict

from confluent_kafka import Consumer, KafkaError, TopicPartition
from timeline.v1 import envelope_pb2, events_pb2


def field(data):
    return struct.pack(">I", len(data)) + data


def event_hash(e):
    """SHA-256 over the envelope as docs/wire-format.md lays it out; body as stored, never re-encoded."""
    return hashlib.sha256(
        e.prev_hash + struct.pack(">Q", e.sequence)
        + field(e.account_id.encode()) + field(e.event_id.encode())
        + struct.pack(">qi", e.occurred_at.seconds, e.occurred_at.nanos)
        + struct.pack(">qi", e.recorded_at.seconds, e.recorded_at.nanos)
        + field(e.actor.encode()) + field(e.idempotency_key.encode())
        + field(e.correlation_id.encode()) + field(e.causation_id.encode())
        + struct.pack(">I", e.schema_version) + field(e.submission_id.encode())
        + field(e.body)).digest()


class Account:
    """One account's chain head and its orders, folded as engine/account_fold.cc folds `ordered`."""

    def __init__(self):
        self.sequence, self.hash = 0, bytes(32)
        self.orders = {}  # order id -> {"lines": [...], "shipped": {sku: qty}, "open": bool}
        self.ordered = defaultdict(int)  # currency -> minor units

    def add_lines(self, lines, sign):
        for line in lines:
            self.ordered[line.unit_price.currency] += sign * line.quantity * line.unit_price.minor_units

    def settle(self, order):  # an open order whose every line has shipped is no longer open
        if order["open"] and all(order["shipped"].get(l.sku, 0) >= l.quantity for l in order["lines"]):
            order["open"] = False

    def fold(self, event):
        case = event.WhichOneof("event")  # None for a case newer than our classes: skip it
        if case == "order_placed":
            placed = event.order_placed
            self.orders[placed.order_id] = {"lines": list(placed.lines), "shipped": {}, "open": True}
            self.add_lines(placed.lines, +1)
        elif case == "order_amended":  # the lines are replaced
            order = self.orders[event.order_amended.order_id]
            self.add_lines(order["lines"], -1)
            self.add_lines(event.order_amended.lines, +1)
            order["lines"] = list(event.order_amended.lines)
            self.settle(order)
        elif case == "order_fulfilled":
            order = self.orders[event.order_fulfilled.order_id]
            for line in event.order_fulfilled.lines:
                order["shipped"][line.sku] = order["shipped"].get(line.sku, 0) + line.quantity
            self.settle(order)
        elif case == "order_cancelled":  # only an open order's lines leave the total
            order = self.orders[event.order_cancelled.order_id]
            if order["open"]:
                self.add_lines(order["lines"], -1)
            order["open"] = False

    def apply(self, e):
        where = f"account {e.account_id} sequence {e.sequence}"
        if e.sequence != self.sequence + 1:
            raise ValueError(f"{where}: expected sequence {self.sequence + 1} (a gap or a repeat)")
        if e.prev_hash != self.hash:
            raise ValueError(f"{where}: prev_hash is not the previous event's hash")
        if e.hash != event_hash(e):
            raise ValueError(f"{where}: the contents do not hash to hash (altered)")
        self.sequence, self.hash = e.sequence, e.hash
        self.fold(events_pb2.Event.FromString(e.body))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", default="127.0.0.1:19092")
    parser.add_argument("--topic-prefix", default="")
    args = parser.parse_args()

    topic = f"{args.topic_prefix}account-events"
    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": f"python-{uuid.uuid4()}",
                         "enable.auto.commit": False, "enable.partition.eof": True,
                         "isolation.level": "read_committed"})  # aborted batches are no history
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])

    accounts, at_end = defaultdict(Account), set()
    try:
        while len(at_end) < len(partitions):
            message = consumer.poll(10)
            if message is None:
                raise TimeoutError(f"no record and no end of partition from {topic} in 10 s")
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    raise RuntimeError(message.error())
                at_end.add(message.partition())
                continue
            envelope = envelope_pb2.EventEnvelope.FromString(message.value())
            accounts[envelope.account_id].apply(envelope)  # per-account order = offset order
    except ValueError as broken:
        print(f"NOT VERIFIED: {broken}", file=sys.stderr)
        return 1
    finally:
        consumer.close()

    print(json.dumps({"accounts": {
        name: {"events": a.sequence, "lastHash": a.hash.hex(),
               "ordered": {c: units for c, units in sorted(a.ordered.items()) if units}}
        for name, a in sorted(accounts.items())}}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
