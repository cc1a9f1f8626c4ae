#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Parses vigild's metrics with the reference Python client's parsers and prints
# every sample as JSON lines, so the C++ test can assert on what a real
# Prometheus/OpenMetrics consumer sees. Usage:
#   check_metrics.py prom|om FILE          parse a rendered file
#   check_metrics.py fetch URL             GET URL (Prometheus text) and parse
#   check_metrics.py fetch-om URL          GET URL asking for OpenMetrics and parse
# Exit 0 and one JSON object per sample; exit 1 with the parser's error.
import json
import sys
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
from prometheus_client.parser import text_string_to_metric_families as prom_parse


def dump(families):
    for fam in families:
        for s in fam.samples:
            print(json.dumps({"family": fam.name, "type": fam.type, "name": s.name,
                              "labels": s.labels, "value": s.value}, sort_keys=True))


def main():
    mode, where = sys.argv[1], sys.argv[2]
    if mode in ("prom", "om"):
        with open(where, encoding="utf-8") as f:
            text = f.read()
        content_type = ""
    else:
        req = urllib.request.Request(where)
        if mode == "fetch-om":
            req.add_header("Accept", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
        with urllib.request.urlopen(req, timeout=10) as r:
            content_type = r.headers.get("Content-Type", "")
            text = r.read().decode("utf-8")
        print(json.dumps({"content_type": content_type}))
    om = mode in ("om", "fetch-om")
    try:
        # Lists, so parse errors surface here, not lazily while printing.
        fams = list(om_parse(text) if om else prom_parse(text))
    except Exception as e:  # the parsers raise ValueError and friends
        print(f"parse error: {e}", file=sys.stderr)
        return 1
    dump(fams)
    return 0


if __name__ == "__main__":
    sys.exit(main())
