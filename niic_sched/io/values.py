"""Parsing single values (times, dates, numbers, lists) into model values.

Used by the builders behind both loaders (and by the schedule reader). Every
parser takes ``where`` (a Location: a file and line, or a sheet and cell) and a
list of problems to append to; it returns ``None`` when the value is unusable.
"""
from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem
from ..model import TimeRange

_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp]\.?\s*[Mm]\.?)?\s*$")


def parse_time(value, where: str, problems: list[Problem], what: str = "time") -> int | None:
    """'9:00', '09:00', '9:00 AM', '13:15', '25:15' (1:15 after midnight), the
    YAML 1.1 number 570 (= 9:30), a datetime.time or datetime -> minutes after
    midnight of the conference day."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, dt.datetime):
        return value.hour * 60 + value.minute
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    if isinstance(value, int):
        # YAML 1.1 reads an unquoted 10:30 as the sexagesimal number 630
        if 0 <= value < 48 * 60:
            return value
    elif isinstance(value, float) and 0 <= value < 1:
        # an Excel time cell read without its number format: a fraction of a day
        return int(round(value * 24 * 60))
    elif isinstance(value, str):
        m = _TIME.match(value)
        if m and (m.group(2) is not None or m.group(4)):
            h, mi = int(m.group(1)), int(m.group(2) or 0)
            ampm = (m.group(4) or "").lower().replace(".", "").replace(" ", "")
            # hours 24-47 are past midnight of the same conference day (a late-night slot)
            ok = mi < 60 and ((ampm and 1 <= h <= 12) or (not ampm and h < 48))
            if ok:
                if ampm == "pm" and h != 12:
                    h += 12
                elif ampm == "am" and h == 12:
                    h = 0
                return h * 60 + mi
    problems.append(Problem(where, f"{what} {value!r} is not a time of day",
                            "write it as HH:MM in 24 hours, e.g. \"13:30\", or as \"1:30 PM\""))
    return None


def parse_date(value, where: str, problems: list[Problem], what: str = "date") -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(Problem(where, f"{what} {value!r} is not a real date",
                            "write it as YYYY-MM-DD, e.g. 2014-12-08"))
    return None


def parse_positive_int(value, where: str, problems: list[Problem], what: str,
                       unit: str = "", allow_zero: bool = False) -> int | None:
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        number = int(value)
    hint = f"write a whole number{' of ' + unit if unit else ''}, e.g. 75" if unit else "write a whole number, e.g. 80"
    if number is None:
        problems.append(Problem(where, f"{what} {value!r} is not a number{' of ' + unit if unit else ''}", hint))
        return None
    if number < 0 or (number == 0 and not allow_zero):
        problems.append(Problem(where, f"{what} {value!r} must be more than 0", hint))
        return None
    if number > 10_000_000:
        problems.append(Problem(where, f"{what} {value!r} is implausibly large", hint))
        return None
    return number


def parse_str(value, where: str, problems: list[Problem], what: str, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(where, f"{what} is missing or empty", f"give the {what}"))
        return None
    if isinstance(value, (dict, list)):
        problems.append(Problem(where, f"{what} must be plain text, not a {type(value).__name__}",
                                f"write the {what} as one line of text"))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_id_list(value, where: str, problems: list[Problem], what: str) -> tuple[str, ...]:
    """A YAML list of ids, or a comma-separated string (the workbook's list cells)."""
    return _text_list(value, ",", where, problems, what, "id")


def parse_names(value, where: str, problems: list[Problem], what: str) -> tuple[str, ...]:
    """Names (``hosts``): a YAML list, or one text of names separated by commas,
    or by semicolons when a name holds a comma ("Alpha, Inc.; Beta")."""
    sep = ";" if isinstance(value, str) and ";" in value else ","
    return _text_list(value, sep, where, problems, what, "name")


def _text_list(value, sep: str, where: str, problems: list[Problem], what: str, noun: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = [v.strip() for v in value.split(sep)]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        items = [value]
    out = []
    for item in items:
        if isinstance(item, (dict, list)) or item is None:
            problems.append(Problem(where, f"{what} holds {item!r}, which is not a{'n' if noun[0] in 'aeiou' else ''} "
                                    f"{noun}", f"list {what} as plain {noun}s"))
            continue
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        text = str(item).strip()
        if text:
            out.append(text)
    return tuple(out)


_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s+(.+?)\s*-\s*(.+?))?\s*$")


def parse_ranges(value, where: str, problems: list[Problem], what: str = "unavailable") -> tuple[TimeRange, ...]:
    """A list of {day, start?, end?} mappings, or the workbook's text form
    '2014-12-08; 2014-12-09 09:00-12:00'."""
    if value is None or value == "":
        return ()
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, (dt.date, dt.datetime)):
        value = [{"day": value}]
    if isinstance(value, str):
        items = []
        for part in value.split(";"):
            if not part.strip():
                continue
            m = _RANGE.match(part)
            if not m:
                problems.append(Problem(where, f"{what} entry {part.strip()!r} is not a day or a day with a time range",
                                        "write 2014-12-08 or 2014-12-09 09:00-12:00, several separated by ;"))
                continue
            item = {"day": m.group(1)}
            if m.group(2):
                item.update(start=m.group(2), end=m.group(3))
            items.append(item)
        value = items
    if not isinstance(value, list):
        problems.append(Problem(where, f"{what} must be a list of {{day, start, end}} entries",
                                "write e.g. unavailable: [{day: 2014-12-08}]"))
        return ()
    out = []
    for item in value:
        if isinstance(item, (dt.date, str)):
            item = {"day": item}
        if not isinstance(item, dict):
            problems.append(Problem(where, f"{what} entry {item!r} is not a {{day, start, end}} mapping",
                                    "write e.g. {day: 2014-12-09, start: \"09:00\", end: \"12:00\"}"))
            continue
        n = len(problems)
        day = parse_date(item.get("day"), where, problems, f"{what} day")
        start = end = None
        if item.get("start") is not None or item.get("end") is not None:
            start = parse_time(item.get("start"), where, problems, f"{what} start")
            end = parse_time(item.get("end"), where, problems, f"{what} end")
            if start is not None and end is not None and end <= start:
                problems.append(Problem(where, f"{what} range ends ({item.get('end')}) before it starts ({item.get('start')})",
                                        "swap start and end, or correct one of them"))
        if len(problems) == n and day is not None:
            out.append(TimeRange(day, start, end))
    return tuple(out)


def parse_quantities(value, where: str, problems: list[Problem], what: str,
                     allow_zero: bool = False) -> tuple[tuple[str, int], ...]:
    """``uses`` / ``resources``: a mapping name -> whole number; also a list of names
    (one each) or the workbook's text ``interpreters-es-en: 1; headsets: 80``."""
    if value is None or value == "" or value == {}:
        return ()
    if isinstance(value, str):
        pairs = {}
        for part in (p.strip() for p in value.replace("\n", ";").split(";")):
            if not part:
                continue
            name, _, qty = part.partition(":")
            pairs[name.strip()] = qty.strip() or 1
        value = pairs
    elif isinstance(value, (list, tuple)):
        value = {item: 1 for item in value} if all(isinstance(i, str) for i in value) else None
    if not isinstance(value, dict):
        problems.append(Problem(where, f"{what} must be a mapping of name: number",
                                f"write {what}: {{interpreters-es-en: 1, headsets: 80}}"))
        return ()
    out = []
    for name, qty in value.items():
        name = str(name).strip()
        n = parse_positive_int(qty, where, problems, f"{what} {name}", "", allow_zero=allow_zero)
        if n is not None and name:
            out.append((name, n))
    return tuple(sorted(out))
