#!/usr/bin/env bash
# Smoke test of the built bundle (CI runs it after `python3 dev.py bundle`): unpack, install
# with install.sh into a throwaway home, then drive the installed `ptdesk` the way a clinic
# would: create a clinic, run the demo, print the three PDFs, verify, open the window
# offscreen up to the sign-in prompt. Nothing from the source tree or its .venv is used.
set -euo pipefail
TARBALL=$(realpath "${1:?usage: smoke_test.sh dist/ptdesk-VERSION-linux-ARCH.tar.gz}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
tar -xzf "$TARBALL"
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" PTDESK_LOG_DIR="$WORK/log"
export PATH="/usr/bin:/bin" QT_QPA_PLATFORM=offscreen PYTHONPATH="" PYTHONHOME=""
mkdir -p "$HOME"
sh ./ptdesk-*/install.sh
P="$HOME/.local/bin/ptdesk"
DB="$WORK/clinic.db"
step() { echo "smoke: $*"; }

step "version"; "$P" --version | grep -q '^ptdesk [0-9]'
step "menu entry"; test -s "$XDG_DATA_HOME/applications/ptdesk.desktop"
test -s "$XDG_DATA_HOME/icons/hicolor/256x256/apps/ptdesk.png"
step "create a clinic"
"$P" init --db "$DB"
PTDESK_PASSWORD=smoke-admin-pass1 "$P" setup --db "$DB" --clinic "Smoke Test Clinic" --admin smoke.admin
PTDESK_PASSWORD=smoke-admin-pass1 PTDESK_NEW_PASSWORD=smoke-pt-pass1 \
    "$P" --as smoke.admin users add smoke.pt --role clinician --name "Smoke PT" --db "$DB"
# The demo refuses a clinic that holds real accounts (issue 16), so it gets its own file;
# on a demo-only database the commands act as the demo clinician.
DEMO="$WORK/demo.db"
"$P" init --db "$DEMO"
step "demo"; "$P" demo --db "$DEMO" --patients 20
MRN=DEMO-0001
step "print the three PDFs"
"$P" handout exercises "$MRN" --out "$WORK/exercises.pdf" --db "$DEMO"
"$P" handout runplan "$MRN" --out "$WORK/runplan.pdf" --db "$DEMO"
"$P" report progress "$MRN" --out "$WORK/progress.pdf" --db "$DEMO"
for pdf in exercises runplan progress; do
    head -c 5 "$WORK/$pdf.pdf" | grep -q '%PDF-' || { echo "smoke: $pdf.pdf is not a PDF" >&2; exit 1; }
done
step "verify"; PTDESK_PASSWORD=smoke-admin-pass1 "$P" --as smoke.admin verify --db "$DB"
step "window up to the sign-in prompt"
PTDESK_SMOKE_TEST=sign-in timeout 180 "$P" --db "$DB" | grep -q "sign-in prompt shown"
if grep -qi -e "DEMO-0001" "$PTDESK_LOG_DIR"/ptdesk.log; then
    echo "smoke: patient data in the log" >&2; exit 1
fi
step "all passed"
