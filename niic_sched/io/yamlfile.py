"""Reading one YAML file safely, keeping line numbers.

* unquoted times stay text: ``start: 10:30`` is "10:30", not YAML 1.1's 630;
* every mapping remembers its own line and the line of each key (``LineDict``);
* duplicate keys, files that are not UTF-8, oversized files, control
  characters, alias bombs (many aliases, or few aliases that expand to
  millions of values: "billion laughs") and self-referencing aliases are
  reported as problems, never as tracebacks.

Parsing uses libyaml (PyYAML's C parser) when it is there, else the pure-Python
parser; both give the same data and the same line numbers, and the checks on the
composed node graph run before anything is built from it.
"""
from __future__ import annotations

import re
import stat
from pathlib import Path

import yaml

from ..errors import Location, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ALIASES = 200
MAX_ALIAS_EXPANSION = 100_000   # values that aliases may add to a document once expanded
MAX_DEPTH = 200                 # lists and mappings inside each other (pure-Python parser; libyaml: 1000)


class LineDict(dict):
    """A mapping read from YAML that knows where it and each of its keys stand."""
    line: int = 0
    key_lines: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}


class _Loader(yaml.SafeLoader):
    def __init__(self, stream, problems: list[Problem], where: str, base: str | None = None):
        super().__init__(stream)
        self._problems = problems
        self._where = where
        self._base = base
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _Refused(mark.line + 1, f"more than {MAX_ALIASES} aliases (*name): refused as a possible alias bomb",
                               "write the values out instead of repeating them with aliases")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:   # libyaml stops at 1000 levels; here Python's stack would
                raise _Refused(self.peek_event().start_mark.line + 1,
                               f"is nested more than {MAX_DEPTH} levels deep", "flatten the structure")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def fetch_flow_collection_start(self, token_class):
        # the pure-Python scanner reads ahead over every open [ or { (quadratic): stop early
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(self.line + 1, f"is nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        super().fetch_flow_collection_start(token_class)


# Unquoted clock times stay strings (YAML 1.1 would read 10:30 as 630).
_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
for _ch in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_ch, []).insert(0, ("tag:yaml.org,2002:str", _CLOCK))


class _Refused(yaml.YAMLError):
    """A document that parses but is refused (alias bomb, self-reference); ``line`` is 1-based."""

    def __init__(self, line: int | None, what: str, fix: str):
        super().__init__(what)
        self.line, self.what, self.fix = line, what, fix


def _check_graph(root) -> None:
    """Refuse a composed document whose aliases make it a bomb or a loop.

    Aliases share nodes, so the node graph stays small while the data it stands
    for can be astronomically large (ten aliases to a list of ten aliases ...).
    One walk over the distinct nodes counts the aliases (edges beyond one per
    node), finds an alias inside the list or mapping it refers to, and adds up
    the size of the data once expanded."""
    loop = ("an alias (*name) refers to the list or mapping that contains it, so it never ends",
            "replace the alias by the values it should repeat")
    size: dict[int, int] = {}         # finished nodes: their expanded size
    open_: set[int] = set()           # nodes on the current path
    edges = 0
    anchor_line = None                # a node reached twice: an anchor that is aliased
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if isinstance(node, yaml.SequenceNode):
            kids = node.value
        elif isinstance(node, yaml.MappingNode):
            kids = [n for pair in node.value for n in pair]
        else:
            kids = ()
        if finished:
            open_.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            continue
        if key in size:
            continue
        if key in open_:   # pragma: no cover - caught below, when pushed
            raise _Refused(node.start_mark.line + 1, *loop)
        open_.add(key)
        stack.append((node, True))
        edges += len(kids)
        for kid in kids:
            k = id(kid)
            if k in open_:
                raise _Refused(kid.start_mark.line + 1, *loop)
            if k in size:
                anchor_line = kid.start_mark.line + 1
            else:
                stack.append((kid, False))
    aliases = edges - (len(size) - 1)
    if aliases > MAX_ALIASES:
        raise _Refused(anchor_line or root.start_mark.line + 1,
                       f"more than {MAX_ALIASES} aliases (*name): refused as a possible alias bomb",
                       "write the values out instead of repeating them with aliases")
    if size[id(root)] - len(size) > MAX_ALIAS_EXPANSION:
        raise _Refused(anchor_line or root.start_mark.line + 1,
                       f"its aliases (*name) expand it to more than {MAX_ALIAS_EXPANSION:,} values: "
                       "refused as an alias bomb (\"billion laughs\")",
                       "write the values out instead of nesting aliases of aliases")


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
            loader._problems.append(Problem(Location(loader._where, key_node.start_mark.line + 1, base=loader._base),
                                            "a mapping key is itself a list or mapping", "use a plain word as key"))
            continue
        if key in data:
            loader._problems.append(Problem(
                Location(loader._where, key_node.start_mark.line + 1, key=str(key), base=loader._base),
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

try:                                   # libyaml: the same loader, about ten times faster
    from yaml.cyaml import CParser as _CParser
except ImportError:                    # PyYAML built without libyaml
    _FastLoader = None
else:
    class _FastLoader(_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        def __init__(self, stream, problems: list[Problem], where: str, base: str | None = None):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._problems = problems
            self._where = where
            self._base = base

    _FastLoader.yaml_constructors = _Loader.yaml_constructors
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

# the characters YAML refuses (PyYAML's reader and libyaml agree on them)
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


def _document(loader):
    """Compose, check the node graph, then build: a bomb is refused before it is built."""
    node = loader.get_single_node()
    if node is None:
        return None
    if "*" in loader._text:   # no alias (*name) without a star
        _check_graph(node)
    return loader.construct_document(node)


def read_yaml(path: Path, where: str, problems: list[Problem], base: str | None = None):
    """Parse ``path``; on failure append a problem and return None. ``where`` is
    the file's name in messages (its Locations' ``file``), shown from ``base``
    (the conference folder as given) when there is one."""
    file, where = where, Location(where, base=base)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):   # a folder, a pipe or a device would block or never end
            problems.append(Problem(where, "is not a plain file (it is a folder, a pipe or a device)",
                                    "replace it by a plain UTF-8 text file, or move it out of the conference folder"))
            return None
        size = st.st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(where, f"is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MiB "
                                    "a YAML file may have", "split it into one file per session under sessions/"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(where, f"cannot be read: {exc.strerror or exc}", "check that the file exists and is readable"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(Location(file, line, base=base), f"is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start})",
                                "save the file as UTF-8 in your editor"))
        return None
    if "\x00" in text:
        problems.append(Problem(where, "contains a NUL byte, so it is not a text file", "save it as plain UTF-8 text"))
        return None
    mine: list[Problem] = []
    loader = None
    try:
        loader = (_FastLoader or _Loader)(text, mine, file, base)   # the pure-Python reader checks characters here
        loader._text = text
        data = _document(loader)
    except _Refused as exc:
        problems.append(Problem(Location(file, exc.line, base=base), exc.what, exc.fix))
        return None
    except yaml.reader.ReaderError:
        m = _NON_PRINTABLE.search(text)
        if m is None:   # pragma: no cover - both parsers refuse only these characters
            problems.append(Problem(where, "holds a character YAML does not allow", "save it as plain UTF-8 text"))
            return None
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        problems.append(Problem(Location(file, line, base=base), f"holds the invisible control character U+{ord(m.group()):04X} "
                                f"(column {column}), which YAML does not allow",
                                "delete it (retype the text around it, or save the file as plain UTF-8 text)"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.append(Problem(Location(file, mark.line + 1 if mark else None, base=base), f"is not valid YAML: {what}",
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
        if loader is not None:
            loader.dispose()
    problems.extend(mine)
    return data


def line_of(mapping) -> int | None:
    """The line a mapping read by ``read_yaml`` starts on."""
    return mapping.line if isinstance(mapping, LineDict) else None
