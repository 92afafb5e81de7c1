#!/bin/sh
# Runs the seal-extract scorer over the public set; exit 77 (skipped) when the set is not there.
# usage: run-seal-score.sh EVAL_DIR CERTDESK_CLI
set -u
eval_dir=$1
cli=$2
python=/usr/bin/python3
if [ ! -f "$eval_dir/score.py" ] || [ ! -d "$eval_dir/public/gt" ]; then
  echo "seal evaluation set not found at $eval_dir: skipped"
  exit 77
fi
if ! "$python" -c 'import numpy, PIL' 2>/dev/null; then
  echo "python3-numpy and python3-pil are needed for the scorer: skipped"
  exit 77
fi
# The project's target is 95 % of the samples; aim is 100 %.
exec "$python" "$eval_dir/score.py" --cli "$cli" --set "$eval_dir/public" --threshold 0.95 -v
