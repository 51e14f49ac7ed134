#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) from
# the test data, so that fuzzing starts from real rubrics and findings.
set -euo pipefail
cd "$(dirname "$0")"
data=../tests/data
mkdir -p corpus/compile corpus/fmt_round_trip corpus/evaluate corpus/batch_line
n=0
for f in $(find "$data" ../rubrics -name '*.rubric' -size -64k | sort); do
  n=$((n + 1))
  cp "$f" "corpus/compile/seed-$n.rubric"
  cp "$f" "corpus/fmt_round_trip/seed-$n.rubric"
done
n=0
for f in $(find "$data/eval" ../examples -name '*.json' -size -64k | grep -v report.json | sort); do
  n=$((n + 1))
  cp "$f" "corpus/evaluate/seed-$n.json"
  # One inspection per line: the same findings as a single JSON Lines row.
  tr -d '\n' < "$f" > "corpus/batch_line/seed-$n.jsonl"
done
cp ../tests/batch/stream.jsonl corpus/batch_line/seed-stream.jsonl
echo "seeded from $data"
