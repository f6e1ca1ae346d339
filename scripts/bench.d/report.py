#!/usr/bin/env python3
"""Turn the raw measurements of scripts/bench into markdown tables.

usage: report.py OUT_DIR

Reads from OUT_DIR (all tab-separated, written by scripts/bench):
  meta.tsv   KEY VALUE             runs, sizes, versions, host
  raw.tsv    PART CLIENT RUN OK WALL_S CPU_S MAXRSS_KB ATTEMPTS LOAD1
             (LOAD1: the 1-minute load average when the measurement ended)
  reqs.tsv   FLOW CLIENT RUN COUNT BREAKDOWN
  conns.tsv  FLOW CLIENT COUNT
  notes.tsv  PART CLIENT TEXT      clients not measured, and why
Prints markdown on stdout. Medians are taken over the successful runs only.
"""
import statistics
import sys
from collections import defaultdict
from pathlib import Path

out = Path(sys.argv[1])


def rows(name):
    path = out / name
    if not path.exists():
        return []
    return [line.rstrip("\n").split("\t") for line in path.read_text().splitlines() if line.strip()]


meta = {r[0]: r[1] if len(r) > 1 else "" for r in rows("meta.tsv")}
runs = meta.get("runs", "?")

LABELS = {
    "acmectl": "acmectl (register, then issue)",
    "acmectl1": "acmectl (issue --agree-tos, one process)",
    "certbot": "certbot",
    "lego": "lego",
    "uacme": "uacme (+ uacme.sh hook)",
    "expiry": "acmectl expiry --concurrency 64",
    "openssl": "shell loop: openssl s_client \\| openssl x509 -enddate",
    "sslcc": "ssl-cert-check -f",
}
VERSION_KEY = {"acmectl": "acmectl", "acmectl1": "acmectl", "expiry": "acmectl",
               "certbot": "certbot", "lego": "lego", "uacme": "uacme",
               "openssl": "openssl", "sslcc": "ssl-cert-check"}
# The acmectl row each part's ratios are computed against.
REFERENCE = {"1": "acmectl", "2": "acmectl", "3": "acmectl", "5": "expiry"}
ORDER = ["acmectl", "acmectl1", "expiry", "certbot", "lego", "uacme", "openssl", "sslcc"]


PART_LABELS = {
    ("2", "acmectl"): "acmectl issue",
    ("3", "acmectl"): "acmectl renew --force --parallel 8",
    ("3", "certbot"): "certbot renew --force-renewal",
}


def label(client, part=None):
    text = PART_LABELS.get((part, client)) or LABELS.get(client, client)
    version = meta.get("version_" + VERSION_KEY.get(client, client), "")
    return f"{text} {version}".strip()


PART_TITLES = {
    "1": "1. one issuance: new account + 1 name",
    "2": f"2. {meta.get('seq', '?')} sequential issuances, one account (total)",
    "3": f"3. renew {meta.get('lineages', '?')} lineages (--force)",
    "5": f"5. expiry of {meta.get('endpoints', '?')} TLS endpoints",
}

# part -> client -> list of (wall, cpu, rss_kb); and attempted runs
ok = defaultdict(lambda: defaultdict(list))
tried = defaultdict(lambda: defaultdict(int))
retried = defaultdict(lambda: defaultdict(int))
loads = defaultdict(list)  # part -> 1-minute load averages seen at its measurements
for r in rows("raw.tsv"):
    if len(r) > 8:
        loads[r[0]].append(float(r[8]))
    part, client, _run, good, wall, cpu, rss = r[:7]
    tried[part][client] += 1
    if len(r) > 7 and int(r[7]) > 1:
        retried[part][client] += 1
    if good == "1":
        ok[part][client].append((float(wall), float(cpu), float(rss)))

notes = defaultdict(dict)
for r in rows("notes.tsv"):
    notes[r[0]][r[1]] = r[2] if len(r) > 2 else ""


def med(values):
    return statistics.median(values) if values else None


def medians(part, client):
    samples = ok[part][client]
    if not samples:
        return None
    return tuple(med([s[i] for s in samples]) for i in range(3))


def fmt_s(x):
    if x is None:
        return "—"
    if x < 10:
        return f"{x:.3f}"
    return f"{x:.1f}"


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.1f}"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    x = a / b
    return f"{x:.2f}×" if x >= 0.1 else f"{x:.3f}×"


slow = meta.get("slow_runs", runs)
if slow != runs:
    print(f"### Results: medians of {runs} runs ({slow} for the slow peers: certbot and lego in "
          "part 2, certbot in part 3, the openssl loop and ssl-cert-check in part 5)\n")
else:
    print(f"### Results: medians of {runs} runs\n")
print(f"Host: {meta.get('host', '?')}; load average {meta.get('load_start', '?')} at the start, "
      f"{meta.get('load_end', '?')} at the end; {meta.get('duration', '?')}. "
      "Ratio = acmectl ÷ peer (below 1: acmectl is faster or smaller). CPU = user + sys of "
      "the client and its children; peak RSS = largest single process (GNU time %M).\n")
if meta.get("netns"):
    print(f"Network: {meta['netns']}.\n")
if loads:
    print("1-minute load average during the measurements (min / median / max): " + "; ".join(
        f"part {p} {min(v):.2f} / {statistics.median(v):.2f} / {max(v):.2f}"
        for p, v in sorted(loads.items())) + f" ({meta.get('host', '?').split(',')[0]}).\n")
if meta.get("warning"):
    print(f"Warning: {meta['warning']}.\n")
print("| part | client | ok runs | wall s | CPU s | peak RSS MB | wall ratio | CPU ratio | RSS ratio |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for part in ["1", "2", "3", "5"]:
    clients = set(tried[part]) | set(notes.get(part, {}))
    if not clients:
        continue
    ref = medians(part, REFERENCE[part])
    first = True
    for client in sorted(clients, key=lambda c: ORDER.index(c) if c in ORDER else 99):
        title = PART_TITLES[part] if first else ""
        first = False
        if client in notes.get(part, {}) and not tried[part][client]:
            print(f"| {title} | {label(client, part)} | not measured: {notes[part][client]} "
                  "| | | | | | |")
            continue
        m = medians(part, client)
        n_ok, n = len(ok[part][client]), tried[part][client]
        if client == REFERENCE[part] or client.startswith("acmectl"):
            ratios = ["—"] * 3
        else:
            ratios = [fmt_ratio(ref[i] if ref else None, m[i] if m else None) for i in range(3)]
        extra = f" ({notes[part][client]})" if client in notes.get(part, {}) else ""
        if retried[part][client]:
            extra += f", {retried[part][client]} retried"
        if m is None:
            print(f"| {title} | {label(client, part)} | 0/{n}{extra} | failed | | | | | |")
            continue
        print(f"| {title} | {label(client, part)} | {n_ok}/{n}{extra} | {fmt_s(m[0])} | {fmt_s(m[1])} "
              f"| {fmt_mb(m[2])} | {' | '.join(ratios)} |")
print()

# --- part 4: requests per issuance ------------------------------------------
reqs = defaultdict(list)
breakdown = {}
for r in rows("reqs.tsv"):
    flow, client, _run, count = r[:4]
    reqs[(flow, client)].append(float(count))
    breakdown[(flow, client)] = r[4] if len(r) > 4 else ""
conns = {(r[0], r[1]): r[2] for r in rows("conns.tsv")}

MINIMUM = {  # flow -> client -> (RFC 8555 minimum, what the flow is)
    "p1": {"acmectl": (12, "2 processes: register (3) + issue (9)"),
           "acmectl1": (10, "1 process"),
           "certbot": (10, "1 process"),
           "lego": (10, "1 process"),
           "uacme": (12, "2 processes: new (3) + issue (9)")},
    "p2": {c: (9, "existing account, 1 process per name")
           for c in ["acmectl", "certbot", "lego", "uacme"]},
}
MINIMUM_NOTE = """\
How the minimum is counted (RFC 8555, one http-01 name, a fresh process that knows
nothing but the directory URL): GET directory (§7.1.1), HEAD newNonce (§7.2; Pebble's
directory carries no nonce), POST newAccount (§7.3; only with a new account), POST
newOrder (§7.4), POST-as-GET the authorization to learn its challenge (§7.5), POST the
challenge (§7.5.1), one poll until the authorization is valid (§7.5.1: Pebble validates
asynchronously, so the challenge's answer is never final yet), POST finalize (§7.4),
one poll of the order (Pebble answers finalize with "processing"), POST-as-GET the
certificate (§7.4.2): 10 with a new account, 9 with an existing one, 3 for a
register-only process. A second poll of the same resource is one "the CA asked for"
when the first answer was still pending/processing (Pebble sends no Retry-After, and
its log does not show the status, so such polls show as "over minimum"). Requests are
the lines `METHOD /path -> calling handler()` of Pebble's log between the start and
the end of the client's run; TCP connections are the client's connect() calls to the
CA's port under `strace -f` (per process, "+" between processes), in a separate run."""

FLOW_TITLES = {"p1": "new account + 1 name (part 1)",
               "p2": "existing account, per issuance (part 2)"}
if reqs:
    print("### 4. HTTP requests per issuance (counted in Pebble's log)\n")
    print("| flow | client | requests (median) | RFC 8555 minimum | over minimum "
          "| requests of one run, by resource | TCP connections to the CA |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for flow in ["p1", "p2"]:
        for client in ORDER:
            if (flow, client) not in reqs:
                continue
            m = med(reqs[(flow, client)])
            minimum, what = MINIMUM[flow].get(client, (None, ""))
            over = "—" if minimum is None else f"{m - minimum:+g}"
            print(f"| {FLOW_TITLES[flow]} | {label(client, '2' if flow == 'p2' else '1')} | {m:g} | {minimum} ({what}) | {over} "
                  f"| {breakdown[(flow, client)]} | {conns.get((flow, client), '—')} |")
    print()
    print(MINIMUM_NOTE)
    print()

# --- targets of issue 8 -----------------------------------------------------
def m_of(part, client, i):
    m = medians(part, client)
    return None if m is None else m[i]


def verdict(cond):
    return "—" if cond is None else ("met" if cond else "MISSED")


checks = []
a, lg, cb = m_of("1", "acmectl", 0), m_of("1", "lego", 0), m_of("1", "certbot", 0)
a1 = m_of("1", "acmectl1", 0)
if a is not None:
    checks.append(("one issuance: wall ≤ 0.5 × lego", fmt_ratio(a, lg),
                   verdict(None if lg is None else a <= 0.5 * lg)))
    checks.append(("one issuance: wall ≤ 0.1 × certbot", fmt_ratio(a, cb),
                   verdict(None if cb is None else a <= 0.1 * cb)))
    rss = m_of("1", "acmectl", 2)
    checks.append(("one issuance: peak RSS < 15 MB", fmt_mb(rss) + " MB", verdict(rss < 15 * 1024)))
if a1 is not None:
    checks.append(("one issuance, one process: wall ≤ 0.5 × lego", fmt_ratio(a1, lg),
                   verdict(None if lg is None else a1 <= 0.5 * lg)))
    checks.append(("one issuance, one process: wall ≤ 0.1 × certbot", fmt_ratio(a1, cb),
                   verdict(None if cb is None else a1 <= 0.1 * cb)))
for flow, client in [("p1", "acmectl1"), ("p2", "acmectl")]:
    if (flow, client) in reqs:
        m = med(reqs[(flow, client)])
        minimum = MINIMUM[flow][client][0]
        checks.append((f"requests, {FLOW_TITLES[flow]}: ≤ RFC minimum {minimum} + CA-requested polls",
                       f"{m:g}", "met" if m <= minimum else
                       f"over the minimum by {m - minimum:g} (which requests: table 4)"))
    if (flow, client) in conns:
        c = conns[(flow, client)]
        checks.append((f"one TLS connection to the CA per process, {FLOW_TITLES[flow]}", c,
                       verdict(c.isdigit() and int(c) <= 1)))
ra, rc = m_of("3", "acmectl", 0), m_of("3", "certbot", 0)
if ra is not None:
    checks.append(("renewals --parallel 8: ≥ 10× faster than certbot",
                   "—" if rc is None else f"{rc / ra:.1f}× faster",
                   verdict(None if rc is None else rc >= 10 * ra)))
ea, eo = m_of("5", "expiry", 0), m_of("5", "openssl", 0)
if ea is not None:
    checks.append(("expiry: ≥ 50× faster than the openssl loop",
                   "—" if eo is None else f"{eo / ea:.1f}× faster",
                   verdict(None if eo is None else eo >= 50 * ea)))
    rss = m_of("5", "expiry", 2)
    checks.append(("expiry: peak RSS < 20 MB", fmt_mb(rss) + " MB", verdict(rss < 20 * 1024)))
if checks:
    print("### Targets (issue 8)\n")
    print("| target | measured | |")
    print("| --- | --- | --- |")
    for name, value, v in checks:
        print(f"| {name} | {value} | {v} |")
    print()
