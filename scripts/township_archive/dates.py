"""How the archive writes dates: for readers (2024年7月1日) and for machines (ISO 8601)."""

from __future__ import annotations

from datetime import datetime


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
