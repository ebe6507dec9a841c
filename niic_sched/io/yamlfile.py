"""Reading one YAML file safely, keeping line numbers.

* unquoted times stay text: ``start: 10:30`` is "10:30", not YAML 1.1's 630;
* every mapping remembers its own line and the line of each key (``LineDict``);
* duplicate keys, files that are not UTF-8, oversized files and alias bombs
  are reported as problems, never as tracebacks.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ALIASES = 200


class LineDict(dict):
    """A mapping read from YAML that knows where it and each of its keys stand."""
    line: int = 0
    key_lines: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class _Loader(yaml.SafeLoader):
    def __init__(self, stream, problems: list[Problem], where: str):
        super().__init__(stream)
        self._problems = problems
        self._where = where
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name) at line {mark.line + 1}: "
                                     "refused as a possible alias bomb")
        return super().compose_node(parent, index)


# Unquoted clock times stay strings (YAML 1.1 would read 10:30 as 630).
_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
for _ch in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_ch, []).insert(0, ("tag:yaml.org,2002:str", _CLOCK))


def _construct_map(loader: _Loader, node):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            loader._problems.append(Problem(f"{loader._where}:{key_node.start_mark.line + 1}",
                                            "a mapping key is itself a list or mapping", "use a plain word as key"))
            continue
        if key in data:
            loader._problems.append(Problem(
                f"{loader._where}:{key_node.start_mark.line + 1}",
                f"key {key!r} appears twice in one mapping (first at line {data.key_lines[key]})",
                "keep one of them"))
            continue
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _construct_timestamp(loader: _Loader, node):
    """An impossible date (2014-02-30) stays text, so the field parser can say where it is."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def read_yaml(path: Path, where: str, problems: list[Problem]):
    """Parse ``path``; on failure append a problem and return None."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(where, f"cannot be read: {exc.strerror or exc}", "check that the file exists and is readable"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(where, f"is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MiB a YAML file may have",
                                "split it into one file per session under sessions/"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(f"{where}:{line}", f"is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})",
                                "save the file as UTF-8 in your editor"))
        return None
    if "\x00" in text:
        problems.append(Problem(where, "contains a NUL byte, so it is not a text file", "save it as plain UTF-8 text"))
        return None
    mine: list[Problem] = []
    loader = _Loader(text, mine, where)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.append(Problem(f"{where}{line}", f"is not valid YAML: {what}",
                                "check indentation, colons and quotes on that line; quote text that holds ': ' or '#'"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(where, f"is not valid YAML: {exc}", "check the file's syntax"))
        return None
    except RecursionError:
        problems.append(Problem(where, "is nested too deeply to be read", "flatten the structure"))
        return None
    except (ValueError, TypeError, OverflowError) as exc:
        problems.append(Problem(where, f"holds a value YAML cannot read: {exc}", "check the values in this file"))
        return None
    finally:
        loader.dispose()
    problems.extend(mine)
    return data


def line_of(mapping, key=None) -> int | None:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return None
