#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

The seeds are small, valid examples of what each target reads (deploy/examples/ as JSON, binary
and length-prefixed streams, sealed-envelope requests, query strings, tokens), so the fuzzer
starts from inputs that reach deep into the code instead of guessing a protobuf from nothing.
Rerun it after a change to the examples or the formats; files it did not write (crash
reproducers added by hand, named crash-*) are left alone.

    /usr/bin/python3 tests/fuzz/make_corpus.py

Needs Debian's python3-protobuf (deploy/setup.sh) and reads the committed descriptor set
proto/descriptor/timeline_v1.binpb, so no generated code is needed.
"""
import base64
import json
import pathlib

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fuzz/corpus"


def messages():
    files = descriptor_pb2.FileDescriptorSet()
    files.ParseFromString((ROOT / "proto/descriptor/timeline_v1.binpb").read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    factory = message_factory.MessageFactory(pool)  # protobuf 3.21's API
    names = ["SubmitEvent", "Event", "EventEnvelope", "SubscriptionToken"]
    return {n: factory.GetPrototype(pool.FindMessageTypeByName("timeline.v1." + n))
            for n in names}


M = messages()

# What the examples do not show: settling an invoice, a contract, closing and purging.
MORE_SUBMISSIONS = [
    {"accountId": "acme-industries", "occurredAt": "2026-04-10T09:00:00Z", "actor": "billing",
     "event": {"paymentReceived": {"paymentId": "PAY-1", "invoiceId": "INV-2026-0042",
                                   "amount": {"minorUnits": "3000000", "currency": "EUR"}}}},
    {"accountId": "acme-industries", "occurredAt": "2026-04-11T09:00:00Z", "actor": "billing",
     "event": {"invoiceCredited": {"invoiceId": "INV-2026-0042", "creditNoteId": "CN-1",
                                   "amount": {"minorUnits": "1000000", "currency": "EUR"},
                                   "reason": "damaged pumps"}}},
    {"accountId": "acme-industries", "occurredAt": "2026-04-12T09:00:00Z", "actor": "legal",
     "expectedVersion": "9",
     "event": {"contractSigned": {"contractId": "C-1", "terms": {
         "priceList": [{"sku": "PUMP-100", "unitPrice": {"minorUnits": "120000",
                                                         "currency": "EUR"}}],
         "paymentTermsDays": 30, "discountCapBps": 500,
         "validFrom": "2026-05-01T00:00:00Z"}}}},
    {"accountId": "acme-industries", "occurredAt": "2026-05-01T09:00:00Z", "actor": "jane.doe",
     "event": {"accountClosed": {"reason": "moved to another supplier"}}},
    {"accountId": "acme-industries", "occurredAt": "2026-05-02T09:00:00Z", "actor": "jane.doe",
     "event": {"accountPurged": {"reason": "GDPR request"}}},
]


def submissions():
    examples = sorted((ROOT / "deploy/examples").glob("*.json"))
    return [json.loads(p.read_text()) for p in examples] + MORE_SUBMISSIONS


def binary(submission):
    return json_format.ParseDict(submission, M["SubmitEvent"]()).SerializeToString()


def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def length_prefixed(records):
    return b"".join(varint(len(r)) + r for r in records)


def envelope(submission, sequence):
    """The envelope the sequencer would write, before the target links and seals it."""
    event = json_format.ParseDict(submission["event"], M["Event"]())
    env = M["EventEnvelope"](account_id=submission["accountId"], sequence=sequence,
                             event_id=f"00000000-0000-4000-8000-{sequence:012d}",
                             actor=submission["actor"], schema_version=1,
                             body=event.SerializeToString())
    env.occurred_at.FromJsonString(submission["occurredAt"])
    env.recorded_at.FromJsonString("2026-06-01T00:00:00Z")
    return env.SerializeToString()


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def decoder_seeds(subs):
    for i, s in enumerate(subs):
        write("submission_json", f"seed-{i:02d}.json", json.dumps(s, indent=1))
        write("submission_binary", f"seed-{i:02d}.bin", binary(s))
    write("submission_json", "seed-unknown-type.json",
          '{"accountId": "a", "actor": "x", "event": {"teleported": {}}}')
    write("submission_json", "seed-broken.json", '{"accountId": "a", "event": {')


def rules_seeds(subs):
    # The whole story in order, then the settling part of it repeated (refusals) and reordered.
    write("submission_rules", "seed-story", length_prefixed([binary(s) for s in subs[:-2]]))
    write("submission_rules", "seed-closed-purged", length_prefixed([binary(s) for s in subs]))
    write("submission_rules", "seed-refusals",
          length_prefixed([binary(subs[7]), binary(subs[0]), binary(subs[0]), binary(subs[7]),
                           b"not a protobuf"]))


def worker_seeds(subs):
    sealed = [b"\x01" + envelope(s, i + 1) for i, s in enumerate(subs)]
    write("worker_envelope", "seed-sealed-story", length_prefixed(sealed))
    write("worker_envelope", "seed-replay-and-gap",
          length_prefixed(sealed[:3] + sealed[:2] + [b"\x01" + envelope(subs[4], 9)]))
    write("worker_envelope", "seed-unsealed-and-misc",
          length_prefixed([b"\x00" + envelope(subs[0], 1), b"\x03" + envelope(subs[0], 1),
                           b"\x05garbage", b"\x01" + envelope(subs[0], 0)]))


def http_seeds():
    queries = {
        "history": "from_seq=1&limit=10&from=2026-01-01&to=2026-03-31T23:59:59Z"
                   "&type=invoiceIssued&type=payment_received",
        "cut": "as_of=2026-01-01&known_at=2026-02-01T10:00:00.5%2B01:00&on=2026-03-01",
        "series": "interval=month&from=2026-01&to=2026-12",
        "resume": "from_seq=5\n41",
        "escaped": "limit=1%30&from=2026%2D01%2D01&type=%69nvoiceIssued",
    }
    for name, text in queries.items():
        write("http_query_params", name, text)
    token = "a" * 64
    write("http_tokens", "bearer", f"Bearer {token}\n")
    write("http_tokens", "cookie", f"\ntheme=dark; timeline_session={token}")
    write("http_tokens", "both", f"bearer  {token} \ntimeline_session=other")
    write("http_tokens", "basic", "Basic dXNlcjpwYXNz\n")
    sha = "3ba3f5f43b92602683c19aee62a20342b084dd5971ddd33808d81a328879a547"
    write("token_file", "tokens.jsonl", "\n".join([
        "# made by timeline token new",
        json.dumps({"name": "jane", "sha256": sha, "role": "manager", "manager": "jane.doe"}),
        json.dumps({"name": "audit", "sha256": sha.replace("3", "4"), "role": "auditor",
                    "accounts": ["*"]}),
        json.dumps({"name": "erp", "sha256": sha.replace("a", "b"), "role": "service",
                    "accounts": ["acme-industries", "nordwind-logistics-ag"]}),
        ""]))


def subscription_seeds():
    token = M["SubscriptionToken"](topic="account-events")
    for partition, offset in [(0, 5), (1, 0), (2, 1234567)]:
        token.positions.add(partition=partition, next_offset=offset)
    text = base64.urlsafe_b64encode(token.SerializeToString()).rstrip(b"=")
    write("subscription_token", "token", text)
    write("subscription_token", "beginning", "BEGINNING")
    write("subscription_token", "end", "end")
    write("subscription_filter", "filter",
          "aacme-industries\nanordwind-logistics-ag\ninvoiceIssued\npayment_received\n")
    write("subscription_filter", "types-only", "orderPlaced\n")
    write("portfolio_cursor", "cursor", "acme-industries=7,nordwind-logistics-ag=2")
    write("portfolio_cursor", "one", "a=0")


def main():
    subs = submissions()
    decoder_seeds(subs)
    rules_seeds(subs)
    worker_seeds(subs)
    http_seeds()
    subscription_seeds()
    for directory in sorted(CORPUS.iterdir()):
        print(f"{directory.name}: {sum(1 for _ in directory.iterdir())} seeds")


if __name__ == "__main__":
    main()
