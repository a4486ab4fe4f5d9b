"""Two programs changing an encrypted clinic's key file at once keep each other's slots.

Wrong before: each read the key file, spent a scrypt run making its slot, and wrote the
file back, so the later writer dropped the slot the other had just added (that person's
password then opened nothing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ptdesk.db.engine import database_key, key_file_path
from ptdesk.services.keys import clinic_key
from ptdesk.services.keys import keyfile as kf
from tests.helpers.clinic_files import open_clinic_file
from tests.helpers.encrypted_clinic import ADMIN_PW, make_encrypted_clinic

ENROLLS = 4
# Enrols accounts FIRST..FIRST+ENROLLS-1 (ids no account has: only the slots matter here).
ENROLL = """
import sys
from tests.helpers.clinic_files import open_clinic_file
from ptdesk.services.keys.clinic_key import enroll
engine, _sf = open_clinic_file(sys.argv[1], sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # both start together
for account_id in range(int(sys.argv[3]), int(sys.argv[3]) + int(sys.argv[4])):
    enroll(engine, account_id, f"password for {account_id}")
engine.dispose()
"""


def test_two_programs_enrolling_at_once_keep_every_slot(tmp_path: Path) -> None:
    clinic = make_encrypted_clinic(tmp_path)
    root = Path(__file__).resolve().parents[2]
    runs = [subprocess.Popen([sys.executable, "-c", ENROLL, str(clinic.db), ADMIN_PW,
                              str(first), str(ENROLLS)], cwd=root, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True) for first in (1000, 2000)]
    for run in runs:
        assert run.stdout is not None and run.stdout.readline().strip() == "ready"
    for run in runs:
        assert run.stdin is not None
        run.stdin.write("go\n")
        run.stdin.flush()
    for run in runs:
        run.communicate(timeout=300)
        assert run.returncode == 0
    engine, _sf = open_clinic_file(clinic.db, ADMIN_PW)
    try:
        holder_key = database_key(engine)
        assert holder_key is not None and holder_key.key is not None
        labels = {slot.id for slot in kf.read(key_file_path(clinic.db)).slots}
        wanted = {clinic_key.slot_id(holder_key.key, account_id)
                  for first in (1000, 2000) for account_id in range(first, first + ENROLLS)}
        assert wanted <= labels
    finally:
        engine.dispose()
    # Every enrolled password opens the clinic.
    for account_id in (1000, 1000 + ENROLLS - 1, 2000, 2000 + ENROLLS - 1):
        engine, _sf = open_clinic_file(clinic.db, f"password for {account_id}")
        engine.dispose()
