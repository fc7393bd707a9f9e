#!/usr/bin/env bash
# Benchmark `direkt lab up` + `direkt lab down` (the issue wants < 3 s for `direct`).
#   bench/lab.sh [DIREKT_BINARY] [SCENARIO] [RUNS]     as root; needs hyperfine
# Prints hyperfine's summary for up+down together and for up alone, with the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/direkt}
scenario=${2:-direct}
runs=${3:-10}
name="bn$$"
trap '"$bin" -q lab down --name "$name" >/dev/null 2>&1 || true' EXIT

hyperfine --style basic -w 1 -r "$runs" --export-json /tmp/direkt-lab-bench-both.json \
  "$bin -q lab up --name $name --scenario $scenario >/dev/null && $bin -q lab down --name $name"
hyperfine --style basic -N -w 1 -r "$runs" --export-json /tmp/direkt-lab-bench-up.json \
  --prepare "$bin -q lab down --name $name" \
  "$bin -q lab up --name $name --scenario $scenario"
"$bin" -q lab down --name "$name"
for f in both up; do
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"$f: median {r['median']*1000:.0f} ms (min {r['min']*1000:.0f}, max {r['max']*1000:.0f}, {len(r['times'])} runs)\")" \
    "/tmp/direkt-lab-bench-$f.json"
done
