#!/bin/sh
# run-cli-scan.sh: `certdesk-cli scan-import` end to end on a temporary data folder. Skipped (77) until the
# command is wired into the CLI's dispatcher.
set -eu
cli=${CERTDESK_CLI:?}
src=${CERTDESK_SOURCE_ROOT:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cd-cli-scan-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! "$cli" --data-dir "$tmp" scan-import --help >/dev/null 2>&1; then
  echo "scan-import is not wired into certdesk-cli yet: skipped"
  exit 77
fi
"$cli" --data-dir "$tmp" application import "$src/tests/fixtures/app-nmg-new.json" >"$tmp/app.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/app.json")

# A 2000 × 2800, 300 dpi BMP (16 MB): over the profile's 1 MB, re-encoded to JPEG; a PNG named .jpg.
python3 - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
w, h = 2000, 2800
row = (w * 3 + 3) // 4 * 4
data = bytearray()
for y in range(h):
    data += bytes([240 if (y // 10) % 3 else 30]) * (w * 3) + bytes(row - w * 3)
hdr = b'BM' + struct.pack('<IHHI', 54 + len(data), 0, 0, 54) + \
      struct.pack('<IiiHHIIiiII', 40, w, h, 1, 24, 0, len(data), 11811, 11811, 0, 0)
open(d + '/licence.bmp', 'wb').write(hdr + data)
open(d + '/fake.jpg', 'wb').write(b'\x89PNG\r\n\x1a\n' + b'\0' * 30)
open(d + '/empty.jpg', 'wb').close()
PY

"$cli" --data-dir "$tmp" scan-import --application "$id" --material business_licence "$tmp/licence.bmp" >"$tmp/out.json"
python3 - "$tmp/out.json" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
scans = out["scans"]
assert out["material"] == "business_licence", out
assert len(scans) == 1 and scans[0]["reencoded"] and scans[0]["mime"] == "image/jpeg", scans
assert scans[0]["bytes"] <= 1048576 and max(scans[0]["width"], scans[0]["height"]) >= 1754, scans
assert "Re-encoded as JPEG" in scans[0]["note"], scans
PY

expect_fail () {
  code=$1; text=$2; shift 2
  if "$cli" --data-dir "$tmp" scan-import "$@" 2>"$tmp/err"; then
    echo "expected failure: $*"; exit 1
  else
    rc=$?
  fi
  [ "$rc" -eq "$code" ] || { echo "exit $rc, expected $code: $*"; cat "$tmp/err"; exit 1; }
  grep -qF "$text" "$tmp/err" || { echo "message lacks '$text':"; cat "$tmp/err"; exit 1; }
}
expect_fail 1 "“fake.jpg” is named like a JPEG file (.jpg) but is a PNG file" \
  --application "$id" --material business_licence "$tmp/fake.jpg"
expect_fail 1 "“empty.jpg” is empty (0 bytes)" --application "$id" --material business_licence "$tmp/empty.jpg"
expect_fail 1 "is not a material of the profile" --application "$id" --material nope "$tmp/licence.bmp"
expect_fail 1 "this project accepts scans up to 1.0 MB" --application "$id" --material business_licence \
  --no-reencode "$tmp/licence.bmp"
expect_fail 2 "usage" --application "$id" --material business_licence
echo "scan-import: ok"
