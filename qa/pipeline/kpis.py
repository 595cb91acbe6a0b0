"""A call's customer survey (CSAT 1-5, NPS 0-10, CES 1-7) and its customer key, as pure functions.

The customer key says which calls come from the same customer (first-contact resolution, `qa.review.kpis`): the
call's customer id (from the path pattern or the transcript's own `customer_id` field), else the first phone number
the customer says, read with libphonenumber in `kpis.phone_region`. Only a keyed BLAKE2b hash of it is kept: the
secret key is in `kpis.key_file`, never in the database, so a copy of the database does not give the numbers back
(a guess can be checked only with the key). A customer id that is itself a phone number is read as one, so that
`0912345678` in a file name and "+84 912 345 678" said in a call are the same customer.

`customer_key` reads the turns as they were heard: the pipeline calls it before the stored call is built (and
before any redaction of the turns), see `Pipeline.process`.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from transcribe.errors import InputError
from transcribe.types import CUSTOMER, Turn

__all__ = ["KPIS", "SCALES", "CustomerKey", "Survey", "customer_key", "hash_customer", "load_secret",
           "phone_numbers", "survey_value", "transcript_survey"]

SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
KPIS = tuple(SCALES)
KEY_ENV = "CALLQA_CUSTOMER_KEY_FILE"


@dataclass(frozen=True)
class Survey:
    """A call's survey answers (None: not asked or not answered)."""

    csat: int | None = None
    nps: int | None = None
    ces: int | None = None

    def empty(self) -> bool:
        return self.csat is None and self.nps is None and self.ces is None


@dataclass(frozen=True)
class CustomerKey:
    """`key`: the keyed hash (hex) of the customer; `source`: what it was made from ("customer_id" or "phone")."""

    key: str
    source: str


def survey_value(name: str, value: Any) -> int | None:
    """One survey answer as a whole number on its scale; None for an empty cell. ValueError saying what is wrong."""
    low, high = SCALES[name]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} is {value!r}, not a number")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"{name} is {value.strip()[:40]!r}, not a number") from None
    if not isinstance(value, (int, float)) or value != value:  # NaN
        raise ValueError(f"{name} is {str(value)[:40]!r}, not a number")
    if float(value) != int(value):
        raise ValueError(f"{name} is {value:g}, not a whole number from {low} to {high}")
    if not low <= int(value) <= high:
        raise ValueError(f"{name} is {int(value)}, outside its scale {low}-{high}")
    return int(value)


def transcript_survey(extra: Mapping[str, Any]) -> tuple[Survey | None, list[str]]:
    """The survey in an imported transcript's own fields ("csat", "nps", "ces" at the top level, or inside a
    "survey" object), and the problems of the fields that were not usable (they are left out, not guessed)."""
    inner = extra.get("survey")
    fields = {**(inner if isinstance(inner, Mapping) else {}), **{k: extra[k] for k in KPIS if k in extra}}
    values: dict[str, int | None] = {}
    problems = []
    for name in KPIS:
        try:
            values[name] = survey_value(name, fields.get(name))
        except ValueError as exc:
            problems.append(str(exc))
    survey = Survey(**values)
    return (None if survey.empty() else survey), problems


def phone_numbers(text: str, region: str) -> list[str]:
    """The valid phone numbers in `text`, in E.164 (+84912345678), in the order they appear."""
    import phonenumbers

    return [phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)]


def _as_phone(value: str, region: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def hash_customer(kind: str, value: str, secret: bytes) -> str:
    """The keyed BLAKE2b hash (32 hex digits) of one customer identifier."""
    return hashlib.blake2b(f"{kind}:{value}".encode(), key=secret, digest_size=16,
                           person=b"callqa-customer").hexdigest()


def customer_key(turns: Iterable[Turn], meta: Mapping[str, Any], secret: bytes, region: str) -> CustomerKey | None:
    """The customer of a call: `meta`'s "customer_id" (path metadata, or the transcript's own field), else the
    first valid phone number in the customer's turns; None when there is neither."""
    raw = meta.get("customer_id")
    if raw is not None and str(raw).strip():
        ident = str(raw).strip()
        phone = _as_phone(ident, region)
        return CustomerKey(hash_customer(*(("phone", phone) if phone else ("id", ident)), secret), "customer_id")
    for turn in turns:
        if turn.speaker == CUSTOMER and any(ch.isdigit() for ch in turn.text):
            found = phone_numbers(turn.text, region)
            if found:
                return CustomerKey(hash_customer("phone", found[0], secret), "phone")
    return None


def default_key_file() -> str:
    """$CALLQA_CUSTOMER_KEY_FILE, else `customer.key` in the user data folder."""
    import platformdirs

    return os.environ.get(KEY_ENV) or os.path.join(platformdirs.user_data_dir("callqa", appauthor=False),
                                                   "customer.key")


def load_secret(path: str | None) -> bytes:
    """The secret key in `path` (None: `default_key_file()`), made there (random, readable by its owner only) when
    the file does not exist yet."""
    path = os.path.expanduser(path or default_key_file())
    fix = "set kpis.key_file to a readable file of at least 32 hex digits, or remove it to make a new one"
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it a moment ago
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read().strip()
        secret = bytes.fromhex(text)
    except OSError as exc:
        raise InputError(path, f"cannot read the customer key file ({exc.strerror})", fix) from None
    except (UnicodeDecodeError, ValueError):
        raise InputError(path, "the customer key file is not hex digits", fix) from None
    if not 16 <= len(secret) <= 64:
        raise InputError(path, f"the customer key is {len(secret)} bytes; it must be 16 to 64 (32-128 hex digits)",
                         fix)
    return secret
