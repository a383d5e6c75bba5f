#!/usr/bin/env python3
"""Submits an orderPlaced for an account as a binary SubmitEvent on account-commands, waits for
the sequencer's outcome on account-events or account-rejections, and prints it as JSON.
Exits 0 when recorded, 2 when refused, 1 when no outcome came in time.

    protoc -I proto --python_out=gen proto/timeline/v1/*.proto
    PYTHONPATH=gen python3 examples/python/submit_order.py --account acme-industries \\
        --order-id PO-PY-1 --sku PUMP-100 --quantity 2 --unit-price 125000 --currency EUR

The contract it relies on is proto/README.md.
"""
import argparse
import json
import sys
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, Producer, TopicPartition
from timeline.v1 import commands_pb2, envelope_pb2, rejection_pb2

SUBMISSION_HEADER = "timeline-submission-id"


def order_submission(args):
    submission = commands_pb2.SubmitEvent(account_id=args.account, actor=args.actor,
                                          idempotency_key=args.idempotency_key)
    submission.occurred_at.FromDatetime(datetime.now(timezone.utc))
    placed = submission.event.order_placed
    placed.order_id = args.order_id
    line = placed.lines.add(sku=args.sku, quantity=args.quantity)
    line.unit_price.minor_units, line.unit_price.currency = args.unit_price, args.currency
    return submission


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", default="127.0.0.1:19092")
    parser.add_argument("--topic-prefix", default="")
    parser.add_argument("--account", required=True)
    parser.add_argument("--order-id", required=True)
    parser.add_argument("--sku", required=True)
    parser.add_argument("--quantity", type=int, required=True)
    parser.add_argument("--unit-price", type=int, required=True, help="minor units, e.g. cents")
    parser.add_argument("--currency", default="EUR")
    parser.add_argument("--actor", default="python-example")
    parser.add_argument("--idempotency-key", default="")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    topics = {name: f"{args.topic_prefix}{name}"
              for name in ("account-commands", "account-events", "account-rejections")}

    # The outcome lands on the command's partition number; note where both topics end now.
    consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": f"python-{uuid.uuid4()}",
                         "enable.auto.commit": False, "isolation.level": "read_committed"})
    partitions = consumer.list_topics(topics["account-events"], timeout=10) \
        .topics[topics["account-events"]].partitions
    ends = {(t, p): consumer.get_watermark_offsets(TopicPartition(t, p), timeout=10)[1]
            for t in (topics["account-events"], topics["account-rejections"]) for p in partitions}

    # murmur2 as the Java client and the sequencer place keys (librdkafka's default is not).
    producer = Producer({"bootstrap.servers": args.brokers, "partitioner": "murmur2_random",
                         "enable.idempotence": True})
    submission_id, placed_on = str(uuid.uuid4()), []
    producer.produce(topics["account-commands"], key=args.account.encode(),
                     value=order_submission(args).SerializeToString(),
                     headers={SUBMISSION_HEADER: submission_id},
                     on_delivery=lambda err, msg: placed_on.append(err or msg.partition()))
    producer.flush(args.timeout)
    if not placed_on or not isinstance(placed_on[0], int):
        print(f"could not submit: {placed_on[0] if placed_on else 'no delivery report'}",
              file=sys.stderr)
        return 1
    partition = placed_on[0]
    consumer.assign([TopicPartition(t, partition, ends[(t, partition)])
                     for t in (topics["account-events"], topics["account-rejections"])])

    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(1)
            if message is None or message.error():
                continue
            if dict(message.headers() or []).get(SUBMISSION_HEADER, b"").decode() != submission_id:
                continue
            if message.topic() == topics["account-events"]:
                event = envelope_pb2.EventEnvelope.FromString(message.value())
                print(json.dumps({"recorded": True, "accountId": event.account_id,
                                  "sequence": event.sequence, "hash": event.hash.hex()}))
                return 0
            refused = rejection_pb2.Rejection.FromString(message.value())
            print(json.dumps({"recorded": False, "accountId": refused.account_id,
                              "code": rejection_pb2.RejectionCode.Name(refused.code),
                              "message": refused.message}))
            return 2
    finally:
        consumer.close()
    print(f"no outcome for submission {submission_id} in {args.timeout} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
