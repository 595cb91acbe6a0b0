"""Customer KPI settings: the first-contact-resolution window, how phone numbers seen in calls are read, the secret
key customer keys are hashed with, and the fewest calls a correlation is shown for (see docs/kpis.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

from transcribe.setting_types import SETTINGS_CONFIG, Count, Expect, Name


def checked_region(region: str) -> str:
    """`region` in upper case when libphonenumber knows it (ValueError naming the setting when it does not)."""
    import phonenumbers

    code = region.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"kpis.phone_region {region!r} is not a region code libphonenumber knows (e.g. VN, US, GB)")
    return code


Region = Annotated[Name, AfterValidator(checked_region), Expect("a two-letter region code such as VN")]


@dataclass
class KpiSettings:
    """`fcr_days`: a call is not resolved at first contact when the same customer calls again within this many
    days; `phone_region`: the region a phone number without a country code is read in; `key_file`: the file
    holding the secret key customer ids and phone numbers are hashed with (null: `customer.key` in the user data
    folder, made on first use); `min_calls`: the fewest calls a correlation is shown for."""

    __pydantic_config__ = SETTINGS_CONFIG

    fcr_days: Count = 7
    phone_region: Region = "VN"
    key_file: Name | None = None
    min_calls: Count = 10
