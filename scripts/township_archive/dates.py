"""Dates: reading what staff write (2024-05-01, 2024年5月1日), and writing them for readers
(2024年7月1日) and for machines (ISO 8601)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any


def chinese_date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_time and (value.hour or value.minute):
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def iso_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(timespec="minutes")


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
)
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:：](\d{2}))?$")
_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
# Dates staff write are the site's local time (北京时间), without a zone. The range keeps every
# date a non-negative 32-bit Unix time in any zone: SOURCE_DATE_EPOCH, file and feed timestamps.
EARLIEST_DATE = datetime(1970, 1, 2)
LATEST_DATE = datetime(2106, 2, 6, 23, 59, 59)
BEIJING = timezone(timedelta(hours=8))


def parse_date(value: Any) -> datetime | None:
    """Accept what staff write: YAML dates, ISO strings, 2024年5月1日. Always naive local time, or None.

    A time with a zone (`2024-05-01T10:00:00+08:00`, `...Z`) is not accepted here; see `zoned_date`."""
    if isinstance(value, datetime):
        return value if value.tzinfo is None else None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    if match := _CHINESE_DATE.match(text):
        year, month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(year, month, day, hour, minute)
        except ValueError:
            return None
    return None


def zoned_date(value: Any) -> datetime | None:
    """`value` when it is a date-time with a time zone (ISO 8601 with an offset or Z), else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str) or not _WITH_ZONE.match(value.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
