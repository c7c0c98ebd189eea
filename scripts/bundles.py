#!/usr/bin/env python3
"""Prints bundles.json (the bundle table) for the shell scripts, one bundle a line,
tab-separated: name, entry page, URL prefix, folder below dist/ ("." for the root),
size budget (KB), label. `--build-order`: parents before the bundles inside their
folder (trunk empties its --dist folder), otherwise the table's order."""
import json, os, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, "bundles.json"), encoding="utf-8") as f:
    bundles = json.load(f)["bundles"]
if "--build-order" in sys.argv[1:]:
    bundles = sorted(bundles, key=lambda b: b["prefix"])
for b in bundles:
    folder = b["prefix"].strip("/") or "."
    print("\t".join([b["name"], b["entry"], b["prefix"], folder, str(b["budget_kb"]), b["label"]]))
