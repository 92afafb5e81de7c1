#!/bin/sh
# run-fuzz-import.sh FUZZER CORPUS_TOOL SECONDS: seeds a corpus with the generated malformed files and runs
# the libFuzzer target for SECONDS; a crash or leak fails the test and leaves the reproducer in the log.
set -eu
fuzzer=$1
corpus_tool=$2
seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/cd-fuzz-import-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$corpus_tool" --write-corpus "$work/corpus"
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
  -print_final_stats=1 "$work/corpus"
