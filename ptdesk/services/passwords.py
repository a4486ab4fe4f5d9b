"""Password hashing with scrypt (memory-hard), the password rules, and the wait after failures.

New and changed passwords must also resist guessing: zxcvbn (Dropbox's estimator, with
its lists of common passwords, words and names) must score them MIN_SCORE or better.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from ptdesk.domain.errors import ValidationError

# OWASP's scrypt setting: 2^17 x 8 x 128 bytes = 128 MiB and ~0.3 s per check, which makes
# guessing offline expensive while one sign-in still feels instant.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_KEY_BYTES = 32
_SALT_BYTES = 16
# A tampered hash must not make a sign-in allocate gigabytes.
_MAX_N = 2**20
_MAX_MEM = 1100 * 1024 * 1024

MIN_LENGTH = 10
MAX_LENGTH = 1024
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash
# scenario" (about 10^10 guesses), the level Dropbox's paper recommends as a floor for
# accounts that guard sensitive data (Wheeler, USENIX Security 2016).
MIN_SCORE = 3
# zxcvbn's time grows with the length; beyond this many characters a password is long
# enough, and only the start is scored (the estimator's own advice).
_SCORED_CHARS = 64

# Three tries are free; then 1, 2, 4, 8 … seconds between tries, at most 30.
FREE_ATTEMPTS = 3
MAX_DELAY_S = 30.0

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=min(256 * r * n * p, _MAX_MEM), dklen=_KEY_BYTES)


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """"scrypt$n$r$p$salt_b64$hash_b64" with a fresh random salt; never the password itself."""
    salt = os.urandom(_SALT_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_derive(password, salt, n, r, p))}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time comparison against a stored hash; False for an empty or malformed hash."""
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = base64.b64decode(salt_text), base64.b64decode(hash_text)
    except ValueError:
        return False
    if scheme != "scrypt" or not (2 <= n <= _MAX_N and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    try:
        actual = _derive(password, salt, n, r, p)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


# A real hash (same scrypt settings as every account) of a random string nobody knows:
# fixed here so the first unknown user name costs exactly one check too, never a hash + check.
_DUMMY_HASH = ("scrypt$131072$8$1$mvIZ5JhjLXEAHGG3vvPXoA==$"
               "RsYCyF4TrkzG5CRBMnIJ20tJItDLV1xn8pl5CdnOLnE=")


def burn_time(password: str) -> None:
    """Spend as long as a real check, so a wrong user name answers as slowly as a wrong password."""
    verify_password(password, _DUMMY_HASH)


def check_password_rules(password: str, username: str = "", *hints: str) -> None:
    """The rules for a new password; `hints` (names, the clinic) must not make it guessable."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise ValidationError("password", f"The password must be at least {MIN_LENGTH} characters "
                                          "long.")
    if len(password) > MAX_LENGTH:
        raise ValidationError("password", f"The password can be at most {MAX_LENGTH} characters.")
    if not password.strip() or len(set(password)) < 3:
        raise ValidationError("password", "The password is too simple: use a few different words "
                                          "or characters.")
    if username and username.strip().lower() in password.lower():
        raise ValidationError("password", "The password must not contain the user name.")
    check_strength(password, [username, *hints])


def check_strength(password: str, hints: list[str]) -> None:
    """Refuse a password zxcvbn can guess quickly (common passwords, words, dates, keyboard runs)."""
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # ships no type hints

    words = [w for hint in hints if hint for w in hint.replace(".", " ").split()]
    result = zxcvbn(password[:_SCORED_CHARS], user_inputs=words)
    if int(result["score"]) >= MIN_SCORE:
        return
    warning = str(result.get("feedback", {}).get("warning") or "").strip().rstrip(".")
    reason = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
    raise ValidationError("password", f"The password is too easy to guess{reason}. Use three "
                                      "or four unrelated words, or a longer phrase.")


def clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ValidationError("username", "A user name is 2 to 64 characters: lowercase letters, "
                                          "digits, dots, dashes or underscores, starting with a "
                                          "letter (for example sam.alvarez).")
    return name


def delay_after(failures: int) -> float:
    """Seconds the next try must wait after `failures` wrong passwords in a row."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)
