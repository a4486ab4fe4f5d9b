"""Accounts: first-start setup, scrypt hashes, sign-in, the growing wait, switched-off accounts."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ptdesk.db.engine import SessionFactory, make_session_factory
from ptdesk.db.models import AuditEntry, Clinician
from ptdesk.demo.generator import DEMO_PASSWORD, build_demo_clinic
from ptdesk.domain.errors import ValidationError
from ptdesk.services import accounts, passwords
from ptdesk.services.clinic import get_settings
from ptdesk.services.errors import LoginRefusedError, PermissionDeniedError, ServiceError
from ptdesk.services.uow import transaction
from tests.factories import ACTOR, ADMIN, ASSISTANT, PASSWORD, make_patient

SECRET = "Correct horse battery staple"


@pytest.fixture
def fresh(engine: Engine) -> SessionFactory:
    """A migrated database nobody has set up yet (no accounts at all)."""
    return make_session_factory(engine)


def _audit(sf: SessionFactory, action: str) -> list[AuditEntry]:
    with transaction(sf) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))


def _account_row(sf: SessionFactory, username: str) -> Clinician:
    with transaction(sf) as session:
        row = session.scalar(select(Clinician).where(Clinician.username == username))
        assert row is not None
        return row


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


# ---- first start ------------------------------------------------------------------------

def test_setup_creates_the_clinic_and_first_administrator_once(fresh: SessionFactory) -> None:
    assert accounts.needs_setup(fresh)
    admin = accounts.setup_clinic(fresh, clinic_name="Hill Running PT", admin_username="Pat.Morgan",
                                  admin_display_name="Pat Morgan", password=SECRET)
    assert (admin.username, admin.role, admin.active, admin.has_password) == (
        "pat.morgan", "administrator", True, True)
    assert not accounts.needs_setup(fresh)
    assert get_settings(fresh).name == "Hill Running PT"
    with pytest.raises(ServiceError, match="already set up"):
        accounts.setup_clinic(fresh, clinic_name="Take over", admin_username="mallory",
                              admin_display_name="Mallory", password="another long secret")
    with transaction(fresh) as session:
        assert [r.username for r in session.scalars(select(Clinician))] == ["pat.morgan"]
    [created] = _audit(fresh, "create")
    assert created.actor == "pat.morgan" and created.record_type == "account"


@pytest.mark.parametrize(("field", "kwargs", "words"), [
    ("password", {"password": "short"}, "at least 10"),
    ("password", {"password": "pat.morgan-2026!"}, "user name"),
    ("password", {"password": "aaaaaaaaaaaa"}, "too simple"),
    ("username", {"admin_username": "Pat Morgan"}, "lowercase"),
    ("clinic_name", {"clinic_name": "  "}, "Clinic name"),
    ("display_name", {"admin_display_name": ""}, "Full name"),
])
def test_setup_input_is_checked_with_plain_messages(
    fresh: SessionFactory, field: str, kwargs: dict[str, str], words: str
) -> None:
    values = {"clinic_name": "Hill PT", "admin_username": "pat.morgan",
              "admin_display_name": "Pat Morgan", "password": SECRET, **kwargs}
    with pytest.raises(ValidationError) as info:
        accounts.setup_clinic(fresh, **values)
    assert info.value.field == field and words in info.value.message
    assert accounts.needs_setup(fresh)


def test_password_is_stored_as_salted_scrypt_and_never_in_clear(
    fresh: SessionFactory, engine: Engine, db_path: Path
) -> None:
    accounts.setup_clinic(fresh, clinic_name="Hill PT", admin_username="pat.morgan",
                          admin_display_name="Pat Morgan", password=SECRET)
    accounts.create_user(fresh, actor="pat.morgan", username="sam", display_name="Sam Lee",
                         role="clinician", password=SECRET)
    with pytest.raises(LoginRefusedError):
        accounts.authenticate(fresh, "sam", SECRET + " typo")
    with pytest.raises(LoginRefusedError):  # a password typed into the user name box
        accounts.authenticate(fresh, SECRET, SECRET)
    assert accounts.authenticate(fresh, "sam", SECRET).username == "sam"
    stored = {u: _account_row(fresh, u).password_hash for u in ("pat.morgan", "sam")}
    pattern = (rf"scrypt\${passwords.SCRYPT_N}\${passwords.SCRYPT_R}\${passwords.SCRYPT_P}"
               r"\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=")
    for value in stored.values():
        assert re.fullmatch(pattern, value), value
        assert passwords.verify_password(SECRET, value)
        assert not passwords.verify_password(SECRET.lower(), value)
    assert stored["pat.morgan"] != stored["sam"]  # a fresh salt each time
    # Not in any table, nor anywhere in the database files (WAL included).
    engine.dispose()
    with sqlite3.connect(db_path) as raw:
        for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in raw.execute(f'SELECT * FROM "{table}"'):
                assert not any(isinstance(v, str) and "horse" in v.lower() for v in row), table
    for path in db_path.parent.iterdir():
        if path.name.startswith(db_path.name):
            assert b"horse" not in path.read_bytes().lower(), path


def test_verify_rejects_malformed_or_tampered_hashes() -> None:
    good = passwords.hash_password(SECRET, n=2**10)
    scheme, n, r, p, salt, digest = good.split("$")
    assert passwords.verify_password(SECRET, good)
    for bad in ("", "plain", good.replace("scrypt", "md5"),
                "$".join([scheme, str(2**30), r, p, salt, digest]),  # absurd cost: refused
                "$".join([scheme, n, r, p, salt, digest[:-4] + "AAA="])):
        assert not passwords.verify_password(SECRET, bad)


# ---- signing in -------------------------------------------------------------------------

def test_sign_in_success_and_failure_are_audited(session_factory: SessionFactory) -> None:
    clock = FakeClock()
    account = accounts.authenticate(session_factory, " Test-Clinician ", PASSWORD, clock=clock)
    assert (account.username, account.role) == (ACTOR, "clinician")
    assert _account_row(session_factory, ACTOR).last_login_at is not None
    with pytest.raises(LoginRefusedError, match="not right") as info:
        accounts.authenticate(session_factory, ACTOR, "wrong password", clock=clock)
    assert info.value.retry_after == 0
    with pytest.raises(LoginRefusedError, match="not right"):
        accounts.authenticate(session_factory, "nobody.here", PASSWORD, clock=clock)
    [login] = _audit(session_factory, "login")
    assert login.actor == ACTOR and login.record_type == "account"
    failed = _audit(session_factory, "failed_login")
    assert [(f.actor, f.summary[:15]) for f in failed] == [
        (ACTOR, "wrong password"), (accounts.UNKNOWN_ACTOR, "no such account")]
    # The name typed for an unknown account may be a misplaced password: never stored.
    assert all("nobody" not in f.actor + f.summary for f in failed)


def test_the_wait_grows_after_repeated_failures_and_resets_on_success(
    session_factory: SessionFactory,
) -> None:
    clock = FakeClock()

    def attempt(password: str) -> LoginRefusedError | None:
        try:
            accounts.authenticate(session_factory, ASSISTANT, password, clock=clock)
        except LoginRefusedError as exc:
            return exc
        return None

    waits = []
    for _ in range(passwords.FREE_ATTEMPTS):
        refused = attempt("not it at all")
        assert refused is not None
        waits.append(refused.retry_after)
    assert waits == [0, 0, 1]
    for expected in (2, 4, 8, 16, 30, 30):
        clock.advance(waits[-1] - 0.5)
        early = attempt(PASSWORD)  # even the right password is refused before the wait is over
        assert early is not None and "Wait 1 second" in str(early) and early.retry_after == 0.5
        clock.advance(0.5)
        refused = attempt("still not it")
        assert refused is not None
        waits.append(refused.retry_after)
        assert refused.retry_after == expected
    assert _account_row(session_factory, ASSISTANT).failed_logins == 9  # early tries not counted
    assert accounts.login_wait(session_factory, ASSISTANT, clock=clock) == 30
    clock.advance(30)
    assert attempt(PASSWORD) is None
    row = _account_row(session_factory, ASSISTANT)
    assert (row.failed_logins, row.last_failed_at) == (0, None)
    assert attempt("wrong again!") is not None and attempt("wrong again!") is not None
    assert accounts.login_wait(session_factory, ASSISTANT, clock=clock) == 0


def test_switched_off_account_cannot_sign_in_or_act(session_factory: SessionFactory) -> None:
    accounts.deactivate_user(session_factory, actor=ADMIN, username=ACTOR)
    with pytest.raises(LoginRefusedError, match="switched off"):
        accounts.authenticate(session_factory, ACTOR, PASSWORD)
    assert _audit(session_factory, "failed_login")[-1].summary == "account switched off"
    with pytest.raises(PermissionDeniedError, match="switched off"):
        make_patient(session_factory)  # the services refuse it too, whatever its role
    accounts.set_active(session_factory, actor=ADMIN, username=ACTOR, active=True)
    assert accounts.authenticate(session_factory, ACTOR, PASSWORD).active


def test_logout_and_lock_are_audited(session_factory: SessionFactory) -> None:
    accounts.record_lock(session_factory, actor=ACTOR)
    accounts.record_logout(session_factory, actor=ACTOR)
    assert [e.actor for e in _audit(session_factory, "lock")] == [ACTOR]
    assert [e.actor for e in _audit(session_factory, "logout")] == [ACTOR]


# ---- administration ---------------------------------------------------------------------

def test_administrator_manages_accounts(session_factory: SessionFactory) -> None:
    sam = accounts.create_user(session_factory, actor=ADMIN, username="Sam.Lee",
                               display_name="Sam Lee", role="assistant",
                               password="front desk secret", credentials="")
    assert (sam.username, sam.role, sam.role_label) == ("sam.lee", "assistant", "Assistant")
    with pytest.raises(ValidationError, match="already taken"):
        accounts.create_user(session_factory, actor=ADMIN, username="sam.lee",
                             display_name="Other Sam", role="clinician",
                             password="another long secret")
    with pytest.raises(ValidationError) as info:
        accounts.create_user(session_factory, actor=ADMIN, username="kim", display_name="Kim",
                             role="doctor", password="another long secret")
    assert info.value.field == "role"
    assert accounts.set_role(session_factory, actor=ADMIN, username="sam.lee",
                             role="clinician").role == "clinician"
    names = [a.username for a in accounts.list_users(session_factory, actor=ADMIN)]
    assert {"sam.lee", ACTOR, ADMIN, ASSISTANT} <= set(names)
    accounts.set_password(session_factory, actor=ADMIN, username="sam.lee",
                          password="a brand new secret")
    assert accounts.authenticate(session_factory, "sam.lee", "a brand new secret")
    summaries = [e.summary for e in _audit(session_factory, "update")]
    assert summaries == ["role assistant → clinician", "password reset"]
    assert all("secret" not in e.summary for e in _audit(session_factory, "create"))


def test_own_password_change_needs_the_current_one(session_factory: SessionFactory) -> None:
    with pytest.raises(ValidationError) as info:
        accounts.set_password(session_factory, actor=ASSISTANT, username=ASSISTANT,
                              password="my new long secret", current_password="guess")
    assert info.value.field == "current_password"
    accounts.set_password(session_factory, actor=ASSISTANT, username=ASSISTANT,
                          password="my new long secret", current_password=PASSWORD)
    assert accounts.authenticate(session_factory, ASSISTANT, "my new long secret")
    with pytest.raises(PermissionDeniedError, match="assistant cannot manage user accounts"):
        accounts.set_password(session_factory, actor=ASSISTANT, username=ACTOR,
                              password="taken over now")


def test_the_last_administrator_and_yourself_cannot_be_switched_off(
    session_factory: SessionFactory,
) -> None:
    with pytest.raises(ServiceError, match="your own account"):
        accounts.deactivate_user(session_factory, actor=ADMIN, username=ADMIN)
    second = accounts.create_user(session_factory, actor=ADMIN, username="second.admin",
                                  display_name="Second Admin", role="administrator",
                                  password="another long secret")
    accounts.deactivate_user(session_factory, actor=second.username, username=ADMIN)
    with pytest.raises(ServiceError, match="last administrator"):
        accounts.set_role(session_factory, actor=second.username, username=second.username,
                          role="clinician")


# ---- first-start (transition) policy and the demo -----------------------------------------

def test_before_setup_an_unknown_actor_may_chart_but_not_manage_accounts(
    fresh: SessionFactory,
) -> None:
    make_patient(fresh)  # tests.factories.ACTOR has no account in this database
    with pytest.raises(PermissionDeniedError, match="not set up yet"):
        accounts.create_user(fresh, actor="root", username="sam", display_name="Sam",
                             role="clinician", password="a long enough one")
    accounts.setup_clinic(fresh, clinic_name="Hill PT", admin_username="pat.morgan",
                          admin_display_name="Pat Morgan", password=SECRET)
    with pytest.raises(PermissionDeniedError, match="no PT Desk account"):
        make_patient(fresh, mrn="MRN-002")


def test_demo_sign_ins_complete_a_clinic_not_set_up(fresh: SessionFactory) -> None:
    result = build_demo_clinic(fresh, actor="root", patients=0, demo_logins=True)
    assert result.logins_enabled and "demo.alvarez" in result.logins_line()
    assert not accounts.needs_setup(fresh)
    roles = {u: accounts.authenticate(fresh, u, DEMO_PASSWORD).role
             for u in ("demo.alvarez", "demo.front", "demo.admin")}
    assert roles == {"demo.alvarez": "clinician", "demo.front": "assistant",
                     "demo.admin": "administrator"}


def test_demo_never_gives_a_set_up_clinic_a_published_password(
    session_factory: SessionFactory,
) -> None:
    again = build_demo_clinic(session_factory, actor=ACTOR, patients=0, demo_logins=True)
    assert not again.logins_enabled and again.logins_line() == ""
    assert not _account_row(session_factory, "demo.alvarez").password_hash
    with pytest.raises(LoginRefusedError):
        accounts.authenticate(session_factory, "demo.alvarez", DEMO_PASSWORD)


def test_demo_needs_a_clinician_once_the_clinic_is_set_up(session_factory: SessionFactory) -> None:
    with pytest.raises(PermissionDeniedError, match="assistant cannot register patients"):
        build_demo_clinic(session_factory, actor=ASSISTANT, patients=0)


# ---- issue 16 item 6: user names cannot be probed; passwords must resist guessing ----------


def test_unknown_user_gets_the_same_answer_and_the_same_scrypt_work(
    session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real-cost hash, as every account outside the tests has.
    accounts.create_user(session_factory, actor=ADMIN, username="sam.lee", display_name="Sam Lee",
                         role="clinician", password=SECRET)
    work: list[tuple[int, int, int]] = []
    real = passwords._derive

    def counted(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        work.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(passwords, "_derive", counted)
    answers = []
    for name in ("sam.lee", "sam.leee"):
        with pytest.raises(LoginRefusedError) as info:
            accounts.authenticate(session_factory, name, "not the password")
        answers.append((str(info.value), info.value.retry_after))
    assert answers[0] == answers[1]
    # Exactly one scrypt check each, with the same cost: the delay is the same.
    assert work == [(passwords.SCRYPT_N, passwords.SCRYPT_R, passwords.SCRYPT_P)] * 2
    failed = _audit(session_factory, "failed_login")
    assert [(f.actor, f.summary[:15]) for f in failed] == [
        ("sam.lee", "wrong password"), (accounts.UNKNOWN_ACTOR, "no such account")]


@pytest.mark.parametrize("password", ["password12", "Password123", "qwertyuiop", "letmein2026",
                                      "runner-demo"])
def test_guessable_passwords_are_refused_for_an_administrator(
    session_factory: SessionFactory, password: str
) -> None:
    with pytest.raises(ValidationError, match="too easy to guess") as info:
        accounts.create_user(session_factory, actor=ADMIN, username="kim.admin",
                             display_name="Kim Admin", role="administrator", password=password)
    assert info.value.field == "password"


def test_setup_refuses_a_guessable_first_password(fresh: SessionFactory) -> None:
    with pytest.raises(ValidationError, match="too easy to guess"):
        accounts.setup_clinic(fresh, clinic_name="Hill Running PT", admin_username="pat",
                              admin_display_name="Pat Morgan", password="password12")
    # Names the user gave are no secret either: "hillrunning" is guessed from the clinic.
    with pytest.raises(ValidationError, match="too easy to guess"):
        accounts.setup_clinic(fresh, clinic_name="Hillside Running", admin_username="pat",
                              admin_display_name="Pat Morgan", password="hillsiderunning1")
    assert accounts.needs_setup(fresh)


def test_demo_accounts_keep_their_published_password(fresh: SessionFactory) -> None:
    """Exempt from the strength check: they exist only in demo-only databases."""
    build_demo_clinic(fresh, actor="root", patients=0, demo_logins=True, demo_only=True)
    assert accounts.authenticate(fresh, "demo.admin", DEMO_PASSWORD).role == "administrator"


def test_two_sign_ins_of_one_account_at_once_both_succeed(
    session_factory: SessionFactory,
) -> None:
    """Another sign-in commits between this one's read and its write (was StaleDataError)."""
    from sqlalchemy import event

    done: list[str] = []

    def other_sign_in_first(session, _context, _instances) -> None:
        if done or not any(isinstance(o, Clinician) for o in session.dirty):
            return
        done.append("other")
        accounts.authenticate(session_factory, ACTOR, PASSWORD, summary="the other window")

    event.listen(session_factory, "before_flush", other_sign_in_first)
    try:
        account = accounts.authenticate(session_factory, ACTOR, PASSWORD)
    finally:
        event.remove(session_factory, "before_flush", other_sign_in_first)
    assert account.username == ACTOR and done == ["other"]
    assert [e.summary for e in _audit(session_factory, "login")] == ["the other window",
                                                                     "signed in"]


def test_an_unknown_name_waits_exactly_like_a_known_one(
    session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No probing by waiting: the growing wait after failures is the same for both."""
    from ptdesk.services.audit import log as audit_log

    clock = FakeClock()
    monkeypatch.setattr(audit_log, "utcnow", clock)  # audit entries carry the test's time

    def tries(name: str) -> list[tuple[str, float, float]]:
        seen = []
        for _ in range(5):
            with pytest.raises(LoginRefusedError) as info:
                accounts.authenticate(session_factory, name, "not the password", clock=clock)
            seen.append((str(info.value), info.value.retry_after,
                         accounts.login_wait(session_factory, name, clock=clock)))
        clock.advance(1)
        with pytest.raises(LoginRefusedError) as info:
            accounts.authenticate(session_factory, name, "not the password", clock=clock)
        seen.append((str(info.value), info.value.retry_after,
                     accounts.login_wait(session_factory, name, clock=clock)))
        return seen

    known = tries(ASSISTANT)
    clock.advance(3600 * 2)
    unknown = tries("nobody.here")
    assert known == unknown
    assert known[3][0].startswith("Too many wrong passwords. Wait 1 second")
    failed = _audit(session_factory, "failed_login")
    assert all("nobody" not in f.actor + f.summary for f in failed)


def test_real_accounts_are_never_added_beside_published_demo_passwords(
    fresh: SessionFactory,
) -> None:
    build_demo_clinic(fresh, actor="root", patients=0, demo_logins=True, demo_only=True)
    with pytest.raises(ServiceError, match="demo database"):
        accounts.create_user(fresh, actor="demo.admin", username="kim.lee",
                             display_name="Kim Lee", role="administrator", password=SECRET)
    assert _account_row(fresh, "demo.admin").role == "administrator"


def test_demo_user_names_are_kept_for_the_demo(session_factory: SessionFactory) -> None:
    with pytest.raises(ValidationError, match="kept for the demo clinic"):
        accounts.create_user(session_factory, actor=ADMIN, username="demo.kim",
                             display_name="Kim", role="clinician", password=SECRET)


def test_the_first_administrator_cannot_take_a_demo_name(fresh: SessionFactory) -> None:
    with pytest.raises(ValidationError, match="kept for the demo clinic") as info:
        accounts.setup_clinic(fresh, clinic_name="Hill Running PT", admin_username="demo.admin",
                              admin_display_name="Pat", password=SECRET)
    assert info.value.field == "admin_username"


def test_every_demo_account_uses_the_reserved_prefix() -> None:
    from ptdesk.demo.generator import DEMO_USERNAMES

    assert all(name.startswith(accounts.DEMO_PREFIX) for name in DEMO_USERNAMES)
