#!/usr/bin/env python3
"""The dashboard query of bench/ingest.sh: the hourly mean of pm25 for 100 stations over the
whole span, asked RUNS times (after one untimed run) on one keep-alive connection.

    query.py vm|influx|iocd BASE_URL DATASET_DIR RUNS [AUTHORIZATION]

Prints key value lines: p50_ms, p95_ms, series, points, checked (values compared with the hourly
means computed from the generated data, DATASET_DIR/expect.tsv), max_diff, and sample lines.
Exits 1 if the answer is missing or a value disagrees."""
import http.client
import json
import sys
import time
import urllib.parse
from datetime import datetime, timezone


def read_dataset(d):
    meta = dict(l.split() for l in open(f"{d}/meta") if l.strip())
    expect = {}
    for line in open(f"{d}/expect.tsv"):
        st, t, v = line.split()
        expect[(st, int(t))] = float(v)
    return {k: int(v) for k, v in meta.items()}, expect


def request_path(target, meta, stations):
    start, end = meta["start_ms"], meta["end_ms"]
    if target == "vm":
        # avg_over_time over the hour ending at each step; no sample sits on an hour boundary
        # (see gen.c), so (T, T+1h] holds exactly the samples of [T, T+1h).
        q = 'avg_over_time(air_pm25{station=~"%s"}[1h])' % "|".join(stations)
        args = {"query": q, "start": (start + 3600000) // 1000, "end": end // 1000,
                "step": "3600", "nocache": "1"}
        return "/api/v1/query_range?" + urllib.parse.urlencode(args)
    if target == "influx":
        q = ("SELECT mean(pm25) FROM air WHERE station =~ /^(%s)$/ AND time >= %dms AND "
             "time < %dms GROUP BY time(1h), station" % ("|".join(stations), start, end))
        return "/query?" + urllib.parse.urlencode({"db": "bench", "epoch": "ms", "q": q})
    args = {"measurement": "air", "field": "pm25", "tag.station": ",".join(stations),
            "start": start // 1000, "end": end // 1000, "step": "3600s", "agg": "mean",
            "group": "station"}
    return "/api/v1/query?" + urllib.parse.urlencode(args)


def to_ms(t):
    if isinstance(t, str):
        try:
            return int(float(t) * 1000) if t.replace(".", "", 1).isdigit() else \
                int(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return None
    return int(t) if t > 1e11 else int(t * 1000)


def station_of(obj):
    for k in ("tags", "labels", "metric"):
        if isinstance(obj.get(k), dict) and "station" in obj[k]:
            return obj[k]["station"]
    return obj.get("station") if isinstance(obj.get("station"), str) else None


def points_of(obj):
    """[(time, value)] from the first list of pairs or of {time, value} objects in obj."""
    for v in obj.values():
        if isinstance(v, list) and v:
            out = []
            for p in v:
                if isinstance(p, list) and len(p) >= 2:
                    out.append((p[0], p[1]))
                elif isinstance(p, dict):
                    t = next((p[k] for k in ("t", "time", "ts", "timestamp") if k in p), None)
                    x = next((p[k] for k in ("v", "value", "mean", "y") if k in p), None)
                    if t is not None:
                        out.append((t, x))
            if out:
                return out
    return []


def series_in(doc):
    """Every (station, [(time, value)]) found anywhere in the JSON document."""
    found = []
    stack = [doc]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            st = station_of(o)
            if st is not None:
                found.append((st, points_of(o)))
                continue
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
    return found


def normalize(target, doc):
    """{(station, hour start ms): mean}; VictoriaMetrics labels a window by its end."""
    shift = -3600000 if target == "vm" else 0
    out = {}
    for st, pts in series_in(doc):
        for t, v in pts:
            ms = to_ms(t)
            if ms is not None and v is not None:
                out[(st, ms + shift)] = float(v)
    return out


def check(target, got, expect, meta):
    if target == "iocd" and got and not set(got) & set(expect):
        # the engine may label a bucket by its end, as VictoriaMetrics does
        got = {(s, t - 3600000): v for (s, t), v in got.items()}
    checked, bad, worst = 0, [], 0.0
    for k, want in expect.items():
        v = got.get(k)
        diff = abs(v - want) if v is not None else float("inf")
        worst = max(worst, diff)
        checked += 1
        if diff > 1e-6 * max(1.0, abs(want)):
            bad.append((k, v, want))
    return checked, bad, worst, got


def main():
    target, base, d, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    auth = sys.argv[5] if len(sys.argv) > 5 else None
    meta, expect = read_dataset(d)
    stations = sorted({s for s, _ in expect})
    path = request_path(target, meta, stations)
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    headers = {"Authorization": auth} if auth else {}
    times, body, status = [], b"", 0
    for i in range(runs + 1):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body, status = r.read(), r.status
        if i > 0:
            times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            print(f"status {status}\nbody {body[:300]!r}")
            return 1
    times.sort()
    got = normalize(target, json.loads(body))
    checked, bad, worst, got = check(target, got, expect, meta)
    print(f"p50_ms {times[len(times) // 2]:.2f}")
    print(f"p95_ms {times[min(len(times) - 1, int(len(times) * 0.95))]:.2f}")
    print(f"series {len({s for s, _ in got})}\npoints {len(got)}\nchecked {checked}")
    print(f"disagree {len(bad)}\nmax_diff {worst:.3g}")
    for k in sorted(expect)[:2] + sorted(expect)[-1:]:
        print(f"sample {k[0]} {datetime.fromtimestamp(k[1] / 1000, timezone.utc):%Y-%m-%dT%H:%MZ} "
              f"{got.get(k)} (data: {expect[k]})")
    for k, v, want in bad[:3]:
        print(f"mismatch {k[0]} {k[1]}: {v} instead of {want}")
    return 1 if bad or not got else 0


if __name__ == "__main__":
    sys.exit(main())
