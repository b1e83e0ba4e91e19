#!/usr/bin/env python3
"""check_server_log.py - checks agent_server's JSON-lines log (README.md).

  check_server_log.py LOG --requests R --max-inflight N
                      [--rate N/D_MS/BURST] [--alternatives]

(a) --alternatives: after the primary's breaker opens (a refusal with
    reason breaker_open for the primary), every request refused that way
    is served by an alternative (success from backup_agent or local_model),
    at least one request was refused that way, and no request is degraded;
(b) no more than N calls are ever in flight (admitted, outcome not yet
    reported: call_start .. call_end, in log order, which is the shared
    part's order since both are written under its mutex);
(c) --rate: in every window of admissions, count <= BURST + N * span // D
    (span: policy ms from the first to the last admission of the window);
(d) every request 1..R ends with exactly one terminal event (success, or a
    decision degrade / escalate / abort), its last, and the load generator
    got exactly one reply for it, saying the same.
--self-test: then each check must fail on a copy of the log broken for it.
Exit 0 when all hold, 1 with one line per violation.
"""
import argparse
import json
import sys

TERMINAL_KINDS = {"degrade": "degraded", "escalate": "escalated", "abort": "aborted", "none": "aborted"}


def check(events, a, bad, quiet=False):
    """appends one line per violation to bad; returns a summary"""
    seqs = [e.get("seq") for e in events]
    if seqs != list(range(1, len(events) + 1)):
        bad.append("seq is not 1, 2, 3, ... in line order")

    # (b) calls in flight
    inflight, peak, open_calls = 0, 0, {}
    for e in events:
        if e["ev"] == "call_start":
            inflight += 1
            open_calls[e["req"]] = open_calls.get(e["req"], 0) + 1
            peak = max(peak, inflight)
            if open_calls[e["req"]] > 1:
                bad.append(f"(b) request {e['req']}: two calls at once (seq {e['seq']})")
        elif e["ev"] == "call_end":
            if open_calls.get(e["req"], 0) < 1:
                bad.append(f"(b) request {e['req']}: call_end without call_start (seq {e['seq']})")
            else:
                inflight -= 1
                open_calls[e["req"]] -= 1
        if inflight > a.max_inflight:
            bad.append(f"(b) {inflight} calls in flight at seq {e['seq']}, limit {a.max_inflight}")
    if inflight:
        bad.append(f"(b) {inflight} calls never ended")

    # (c) admitted rate
    if a.rate:
        n, d, burst = (int(x) for x in a.rate.split("/"))
        t = [e["now"] for e in events if e["ev"] == "admit"]
        if any(y < x for x, y in zip(t, t[1:])):
            bad.append("(c) admission times go back")
        for i in range(len(t)):
            for j in range(i, len(t)):
                if j - i + 1 > burst + n * (t[j] - t[i]) // d:
                    bad.append(f"(c) {j - i + 1} admissions in {t[j] - t[i]} ms (from {t[i]}): more than {burst} + {n} per {d} ms")
                    break
            else:
                continue
            break
    elif not quiet:
        print("(c) not checked: the policy has no `limit rate`")

    # (d) one terminal event per request, its last; one matching reply
    by_req = {}
    for e in events:
        if "req" in e:
            by_req.setdefault(e["req"], []).append(e)
    ends = {}
    for r in range(1, a.requests + 1):
        evs = by_req.pop(r, [])
        server = [e for e in evs if e["ev"] != "reply"]
        replies = [e for e in evs if e["ev"] == "reply"]
        terms = [i for i, e in enumerate(server)
                 if e["ev"] == "success" or (e["ev"] == "decision" and e["kind"] in TERMINAL_KINDS)]
        if len(terms) != 1:
            bad.append(f"(d) request {r}: {len(terms)} terminal events")
            continue
        if terms[0] != len(server) - 1:
            bad.append(f"(d) request {r}: events after its terminal one (seq {server[terms[0]]['seq']})")
        t = server[terms[0]]
        if t["ev"] == "success":
            ends[r] = "primary" if t["target"] == "primary" else "alternative"
        else:
            ends[r] = TERMINAL_KINDS[t["kind"]]
        if len(replies) != 1 or replies[0]["outcome"] != ends[r]:
            bad.append(f"(d) request {r}: replies {[x['outcome'] for x in replies]}, terminal says {ends[r]}")
    for r in by_req:
        bad.append(f"(d) request {r}: not one of 1..{a.requests}")

    # (a) served by an alternative after the primary's breaker opened
    refused = sorted({e["req"] for e in events if e["ev"] == "refuse" and e["target"] == "primary"
                      and e["reason"] == "breaker_open"})
    if a.alternatives:
        if not refused:
            bad.append("(a) no request was refused by the primary's breaker: the scenario does not open it")
        for r in refused:
            if ends.get(r) != "alternative":
                bad.append(f"(a) request {r}: refused by the primary's breaker, ended {ends.get(r)}, not by an alternative")
        for r, o in sorted(ends.items()):
            if o == "degraded":
                bad.append(f"(a) request {r}: degraded although an alternative was available")
    elif not quiet:
        print("(a) not checked: the policy has no `breaker ... per alternative`")
    counts = {}
    for o in ends.values():
        counts[o] = counts.get(o, 0) + 1
    return (f"ok: {a.requests} requests {dict(sorted(counts.items()))}, at most {peak} calls in flight "
            f"(limit {a.max_inflight}), {len(refused)} refused by the primary's breaker")


def renumber(events):
    return [dict(e, seq=i) for i, e in enumerate(events, 1)]


def self_test(events, a):
    """each check must fail on a log broken for it: [] when all do"""
    missed = []

    def expect(name, evs, **over):
        bad = []
        check(renumber(evs), argparse.Namespace(**dict(vars(a), **over)), bad, quiet=True)
        if not any(b.startswith(f"({name})") for b in bad):
            missed.append(f"the checker misses a log broken for ({name})")

    # (d) the first success dropped
    i = next(i for i, e in enumerate(events) if e["ev"] == "success")
    expect("d", events[:i] + events[i + 1:])
    # (b) one call more than the limit allows: a limit of 1 on a log with two at once
    i = next(i for i, e in enumerate(events) if e["ev"] == "call_start")
    j = next(j for j, e in enumerate(events) if e["ev"] == "call_end" and e["req"] == events[i]["req"])
    expect("b", events[:i] + [dict(events[i], req=10**6)] + events[i:j] + [dict(events[j], req=10**6)] + events[j:],
           max_inflight=1)
    # (c) a rate of one admission per 1,000 s
    expect("c", events, rate="1/1000000/1")
    # (a) the first request refused by the primary's breaker (if any) degrades
    r = next((e["req"] for e in events if e["ev"] == "refuse" and e["reason"] == "breaker_open"), None)
    out = []
    for e in events:
        if r is not None and e.get("req") == r and e["ev"] == "success":
            e = {"ev": "decision", "req": r, "now": e["now"], "kind": "degrade", "error": "not_admitted",
                 "attempt": 1, "ms": 0, "id": "cached_answers"}
        elif r is not None and e.get("req") == r and e["ev"] == "reply":
            e = dict(e, outcome="degraded")
        out.append(e)
    expect("a", out, alternatives=True)
    return missed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--requests", type=int, required=True)
    ap.add_argument("--max-inflight", type=int, required=True)
    ap.add_argument("--rate", help="N/D_MS/BURST of the policy's limit rate")
    ap.add_argument("--alternatives", action="store_true")
    ap.add_argument("--self-test", action="store_true",
                    help="also check that each of (a)..(d) fails on a copy of the log broken for it")
    a = ap.parse_args()
    bad = []
    events = []
    with open(a.log) as f:
        for no, line in enumerate(f, 1):
            try:
                events.append(json.loads(line))
            except ValueError as e:
                bad.append(f"line {no}: not JSON ({e})")
    summary = check(events, a, bad)
    if a.self_test and not bad:
        bad += self_test(events, a)
    for b in bad:
        print("FAIL", b)
    if not bad:
        print(summary + ("; each check fails on a log broken for it" if a.self_test else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
