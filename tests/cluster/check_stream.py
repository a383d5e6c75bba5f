#!/usr/bin/env python3
"""Checks what the clients of the broker-fault test saw against what account-events holds.

    check_stream.py ATTEMPTS EVENTS FAULTS

ATTEMPTS: the clients' attempts (tests/cluster/append_stream.sh describes the columns).
EVENTS:   `timeline subscribe --from BEGINNING` of the test's topics (JSON lines).
FAULTS:   "<ms>\t<what>" lines, one per fault injected or repaired, in order.

Prints "ok - ..." / "not ok - ..." per check, then "# ..." lines with the figures: the
submissions, the errors clients saw, and the outage (the longest time without any successful
append, overall and around each fault; the longest wait of one submission for its success).
Exit status 0 when every check passed.
"""
import json
import sys
from collections import defaultdict

SUCCESS = ("recorded", "already")


def read_attempts(path):
    attempts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 10:
                continue
            attempts.append({
                "start": int(cols[0]), "end": int(cols[1]), "client": cols[2],
                "account": cols[3], "key": cols[4], "try": int(cols[5]),
                "status": int(cols[6]), "kind": cols[7],
                "sequence": int(cols[8]) if cols[8] else None, "message": cols[9],
            })
    return attempts


def read_events(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "event" in record:
                e = record["event"]
                events.append((e["accountId"], int(e["sequence"]), e.get("idempotencyKey", "")))
    return events


def read_faults(path):
    faults = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            ms, _, what = line.rstrip("\n").partition("\t")
            faults.append((int(ms), what))
    return faults


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, ok, what, details=()):
        print(("ok - " if ok else "not ok - ") + what)
        if not ok:
            self.failed += 1
            for d in list(details)[:10]:
                print("#   " + str(d))


def submissions_of(attempts):
    """key -> {account, attempts (in order), success (the first successful attempt or None)}."""
    by_key = {}
    for a in attempts:
        s = by_key.setdefault(a["key"], {"account": a["account"], "client": a["client"],
                                          "attempts": [], "success": None})
        s["attempts"].append(a)
        if s["success"] is None and a["kind"] in SUCCESS:
            s["success"] = a
    return by_key


def longest_gap(successes, start, end):
    """The longest stretch of [start, end] without a successful append ending in it: (ms, from)."""
    points = [start] + [t for t in successes if start <= t <= end] + [end]
    best, at = 0, start
    for a, b in zip(points, points[1:]):
        if b - a > best:
            best, at = b - a, a
    return best, at


def main(attempts_path, events_path, faults_path):
    attempts = read_attempts(attempts_path)
    events = read_events(events_path)
    faults = read_faults(faults_path)
    subs = submissions_of(attempts)
    report = Report()

    in_log = defaultdict(list)  # key -> [(account, sequence)]
    by_account = defaultdict(list)
    for account, sequence, key in events:
        in_log[key].append((account, sequence))
        by_account[account].append(sequence)

    accepted = {k: s for k, s in subs.items() if s["success"]}
    unresolved = {k: s for k, s in subs.items() if not s["success"]}
    report.check(len(attempts) > 0 and len(accepted) > 0,
                 f"the clients made {len(subs)} submissions in {len(attempts)} attempts")

    # Every success is in the log once, at the sequence the client was told.
    wrong = []
    for k, s in accepted.items():
        places = in_log.get(k, [])
        told = [a["sequence"] for a in s["attempts"] if a["kind"] in SUCCESS]
        if len(places) != 1:
            wrong.append(f"{k}: reported {told}, {len(places)} time(s) in the log {places}")
        elif places[0][0] != s["account"] or any(t != places[0][1] for t in told):
            wrong.append(f"{k}: reported {s['account']} {told}, the log has {places[0]}")
    report.check(not wrong, f"every submission reported recorded ({len(accepted)}) is in the log "
                 "exactly once, at the sequence the client was told", wrong)

    # A submission that saw only errors may have been recorded (the answer was lost), but once.
    twice = [f"{k}: {in_log[k]}" for k in unresolved if len(in_log.get(k, [])) > 1]
    report.check(not twice, f"no submission that saw only errors ({len(unresolved)}) is in the "
                 "log more than once", twice)

    foreign = [f"{k}: {v}" for k, v in in_log.items() if k not in subs]
    report.check(not foreign, "the log holds nothing the clients did not submit", foreign)

    gaps = []
    for account, seqs in sorted(by_account.items()):
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            gaps.append(f"{account}: {sorted(seqs)[:20]}...")
    report.check(not gaps, f"each of the {len(by_account)} accounts' histories is 1..N with no "
                 "gap or repeat", gaps)

    # Each client's recorded submissions keep its order on each account.
    order = []
    for account in by_account:
        told = sorted((s["success"]["start"], k) for k, s in accepted.items()
                      if s["account"] == account)
        seqs = [in_log[k][0][1] for _, k in told if len(in_log.get(k, [])) == 1]
        if seqs != sorted(seqs):
            order.append(f"{account}: sequences in submission order {seqs[:20]}")
    report.check(not order, "each account's events are in the order the client submitted them",
                 order)

    expected = len(accepted) + sum(1 for k in unresolved if k in in_log)
    report.check(len(events) == expected,
                 f"the log holds {len(events)} events: the {len(accepted)} recorded submissions "
                 f"plus {expected - len(accepted)} that saw only errors but were recorded")

    refused = [f"{a['key']}: {a['message']}" for a in attempts if a["kind"] == "refused"]
    report.check(not refused, "nothing was refused (the stream is valid)", refused)

    silent = [f"{a['key']} try {a['try']}: {a['message']}" for a in attempts
              if a["kind"] == "silent" or (a["kind"] == "error" and not a["message"].strip())]
    report.check(not silent, "every attempt ended with an answer: recorded, already recorded or "
                 "an error message, never silence", silent)

    success_ends = sorted(a["end"] for a in attempts if a["kind"] in SUCCESS)
    stalled = [what for ms, what in faults if not any(t > ms for t in success_ends)]
    report.check(not stalled, f"appends succeed again after each of the {len(faults)} faults and "
                 "repairs", stalled)

    report.check(not unresolved, "every submission ended in a success within its retries",
                 [f"{k}: {[a['message'] for a in s['attempts']][-1]}"
                  for k, s in unresolved.items()])

    # Figures.
    errors = [a for a in attempts if a["kind"] == "error"]
    retried = sum(1 for s in accepted.values() if s["success"]["try"] > 1)
    already = sum(1 for s in accepted.values() if s["success"]["kind"] == "already")
    print(f"# submissions: {len(subs)}, recorded: {len(accepted)} (after a retry: {retried}, "
          f"answered 'already recorded': {already}), errors seen: {len(errors)}, "
          f"events in the log: {len(events)}, accounts: {len(by_account)}")
    kinds = defaultdict(int)
    for a in errors:
        kinds[a["message"][:110]] += 1
    for message, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:5]:
        print(f"#   {count} x {message}")
    ends = sorted(a["end"] for a in attempts if a["kind"] in SUCCESS)
    if ends:
        t0 = min(a["start"] for a in attempts)
        # From the first success: before it the engine was still starting.
        gap, at = longest_gap(ends, ends[0], ends[-1])
        print(f"# longest time without a successful append once the stream ran: {gap / 1000:.1f} s "
              f"(from {(at - t0) / 1000:.1f} s into the stream)")
        waits = [s["success"]["end"] - s["attempts"][0]["start"] for s in accepted.values()]
        print(f"# longest wait of one submission for its success: {max(waits) / 1000:.1f} s; "
              f"median append {sorted(waits)[len(waits) // 2] / 1000:.2f} s")
        for i, (ms, what) in enumerate(faults):
            nxt = faults[i + 1][0] if i + 1 < len(faults) else ends[-1]
            gap, _ = longest_gap(ends, ms, max(nxt, ms))
            print(f"# after '{what}' at {(ms - t0) / 1000:.1f} s: longest time without a "
                  f"successful append {gap / 1000:.1f} s")
    return report.failed


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if main(*sys.argv[1:]) else 0)
