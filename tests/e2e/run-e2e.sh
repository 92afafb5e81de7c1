#!/bin/sh
# run-e2e.sh CERTDESK_BINARY SCRIPT: runs an accessibility-tree test of the real application in a session of
# its own: a private HOME and XDG folders (a first run), its own D-Bus session (the AT-SPI bus is activated
# there), GSettings in a keyfile so the app and dogtail share toolkit-accessibility = true.
# Skips (77) without a display or without Debian's python3-dogtail.
set -u
binary=$1
script=$2
[ -n "${DISPLAY:-}" ] || { echo "no DISPLAY: skipped"; exit 77; }
/usr/bin/python3 -c "import dogtail" 2>/dev/null || { echo "python3-dogtail missing: skipped"; exit 77; }
command -v dbus-run-session >/dev/null || { echo "dbus-run-session missing: skipped"; exit 77; }

home=$(mktemp -d "${TMPDIR:-/tmp}/certdesk-e2e-XXXXXX")
trap 'rm -rf "$home"' EXIT INT TERM
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
       XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run" GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset NO_AT_BRIDGE DBUS_SESSION_BUS_ADDRESS
# The app's schemas come from GSETTINGS_SCHEMA_DIR (build tree); dogtail's key is in the system schemas.
exec dbus-run-session -- sh -c '
  gsettings set org.gnome.desktop.interface toolkit-accessibility true || exit 1
  exec /usr/bin/python3 "$0" "$1"' "$script" "$binary"
