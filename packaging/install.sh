#!/bin/sh
# Installs the PT Desk application folder for the current user (no root needed):
#   ~/.local/opt/ptdesk/          the application (replaced on upgrade; data is kept elsewhere)
#   ~/.local/bin/ptdesk           the command (a link)
#   applications menu entry and icons (via `ptdesk install-desktop`)
# PREFIX=/opt/ptdesk BIN_DIR=/usr/local/bin sh install.sh installs for everyone (as root).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-"$HOME/.local/opt/ptdesk"}
BIN_DIR=${BIN_DIR:-"$HOME/.local/bin"}

if [ ! -x "$HERE/ptdesk/ptdesk" ]; then
    echo "install.sh: run it from the unpacked folder (ptdesk/ptdesk not found)" >&2
    exit 1
fi
mkdir -p "$(dirname "$PREFIX")" "$BIN_DIR"
# Copy beside the old version first, then swap, so a failed copy leaves the old one working.
rm -rf "$PREFIX.new"
cp -R "$HERE/ptdesk" "$PREFIX.new"
rm -rf "$PREFIX.old"
if [ -e "$PREFIX" ]; then mv "$PREFIX" "$PREFIX.old"; fi
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"
ln -sf "$PREFIX/ptdesk" "$BIN_DIR/ptdesk"
"$PREFIX/ptdesk" install-desktop
echo "PT Desk is installed: start it from the applications menu, or run $BIN_DIR/ptdesk"
case ":$PATH:" in *":$BIN_DIR:"*) ;; *) echo "(add $BIN_DIR to your PATH to type 'ptdesk')";; esac
"$PREFIX/ptdesk" --version >/dev/null
