"""Read YAML, JSON and text files defensively: size caps, binary detection, alias bombs.

A profile is small (kilobytes). Anything far larger, binary, or a YAML document whose
aliases expand to millions of nodes ("billion laughs") is refused with a clear message
before it can cost time or memory.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from advisor.errors import AdvisorError, Issue

MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # the C parser is much faster when libyaml is present
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def read_bytes(path: Path, error: type[AdvisorError], max_bytes: int = MAX_TEXT_BYTES,
               what: str = "a park profile is a few kilobytes") -> bytes:
    """The bytes of a regular file, at most `max_bytes` of them, or an error naming the file and the problem.

    Only a regular file is read (a symlink is followed first): a FIFO would block, and a device such as
    /dev/zero reports size 0 and never ends. The limit is on the bytes actually read (limit + 1 at most),
    not on the size the file system reports. `what` starts the fix given for a file over the limit.
    """
    with open_regular(path, error) as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise error([Issue(str(path), "", f"file is larger than the {max_bytes / 1e6:.0f} MB limit",
                           f"{what}: check that this is the right file")])
    return raw


def open_regular(path: Path, error: type[AdvisorError]) -> BinaryIO:
    """A regular file opened for binary reading, or an error naming the file and the problem.

    Refuses what is missing, a directory, or not a regular file after symlinks are resolved (a FIFO, a
    device, a socket): reading those blocks or never ends. The caller bounds what it reads.
    """
    name = str(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error([Issue(name, "", "file not found", "check the path")]) from None
    except OSError as exc:
        raise error([Issue(name, "", f"cannot read the file ({exc.strerror})",
                           "check the path and permissions")]) from None
    if stat.S_ISDIR(mode):
        raise error([Issue(name, "", "is a directory, not a file", "name a .yaml, .json, .csv or .xlsx file")])
    if not stat.S_ISREG(mode):
        raise error([Issue(name, "", "is not a regular file (a pipe, device or socket)",
                           "save the data to an ordinary file and name that")])
    try:   # O_NONBLOCK: should the path be swapped for a FIFO after the check, open does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise error([Issue(name, "", f"cannot read the file ({exc.strerror})",
                           "check the path and permissions")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise error([Issue(name, "", "is not a regular file (a pipe, device or socket)",
                           "save the data to an ordinary file and name that")])
    return os.fdopen(fd, "rb")


def read_text(path: Path, error: type[AdvisorError], max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The file as UTF-8 text, or an error naming the file and the problem."""
    name = str(path)
    raw = read_bytes(path, error, max_bytes)
    if b"\x00" in raw[:8192]:
        raise error([Issue(name, "", "looks like a binary file, not YAML or JSON text",
                           "save the profile as UTF-8 text (.yaml or .json) or use the .xlsx template")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error([Issue(name, f"byte {exc.start}", "is not UTF-8 text",
                           "save the file as UTF-8 (GBK files must be converted)")]) from None


MAX_DEPTH = 200   # a profile nests about 6 levels deep; far deeper is a mistake or an attack


def _expanded_size(node: yaml.Node, memo: dict[int, int], limit: int, fail: Callable[[yaml.Node, str, str], Any],
                   depth: int = 0) -> int:
    """How many nodes the document has once every alias is expanded (memoised, so linear); refuses a mapping
    that repeats a key and nesting deeper than MAX_DEPTH, through `fail(node, problem, fix)`."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_DEPTH:
        fail(node, f"YAML nesting is deeper than {MAX_DEPTH} levels", "flatten the document")
    memo[key] = 1  # guards against recursive structures
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, limit, fail, depth + 1)
            if total > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], yaml.Node] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                first = seen.setdefault((k.tag, k.value), k)
                if first is not k:
                    fail(k, f"key '{shown(k.value)}' appears twice in one mapping (first at "
                            f"{_where(first.start_mark)}); the second would silently replace the first",
                         "keep one of the two")
            total += _expanded_size(k, memo, limit, fail, depth + 1) + _expanded_size(v, memo, limit, fail, depth + 1)
            if total > limit:
                break
    memo[key] = total
    return total


def shown(text: str, limit: int = 60) -> str:
    """Text as a message quotes it: control characters escaped (\\u001b), longer text than `limit` cut."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def parse_yaml(text: str, name: str, error: type[AdvisorError]) -> Any:
    def fail(node: yaml.Node, problem: str, fix: str) -> None:
        raise error([Issue(name, _where(node.start_mark), problem, fix)])

    loader = None
    try:
        loader = _Loader(text)   # the C parser encodes the text at once: a lone surrogate fails here
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}, MAX_EXPANDED_NODES, fail) > MAX_EXPANDED_NODES:
            raise error([Issue(name, "", f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes",
                               "remove the nested anchors and aliases (&a / *a); write the values out")])
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = f"YAML syntax error: {exc.problem or exc.context}"
        fix = "check indentation, colons and quotes there (a value with ':' or '#' needs quotes)"
        raise error([Issue(name, _where(mark), problem, fix)]) from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow (a control character)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise error([Issue(name, _line_column(text, exc.position),
                           f"U+{code:04X} is not allowed in YAML ({exc.reason})",
                           f"remove the character U+{code:04X}")]) from None
    except yaml.YAMLError as exc:
        raise error([Issue(name, "", f"YAML error: {shown(str(exc), 200)}", "check the file's syntax")]) from None
    except UnicodeEncodeError as exc:   # a lone surrogate: bytes that were not UTF-8 (e.g. on a command line)
        code = ord(exc.object[exc.start])
        raise error([Issue(name, _line_column(text, exc.start), f"U+{code:04X} is not a character (bytes that "
                           "are not UTF-8 text)", "write the value as UTF-8 text")]) from None
    except RecursionError:
        raise error([Issue(name, "", "YAML nesting is too deep", "flatten the document")]) from None
    finally:
        if loader is not None:
            loader.dispose()


class _DuplicateKey(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateKey
    return out


def _finite_float(text: str) -> float | str:
    """A JSON number as a float; a number too large for a float (1e400) stays text, which the profile refuses by
    name as it refuses '1e400' in YAML, instead of an infinity."""
    number = float(text)
    return number if number - number == 0.0 else text


def _line_column(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _json_scan(text: str) -> tuple[str, str] | None:
    """(where, problem) for the first repeated key in one object or the first place nested deeper than MAX_DEPTH –
    a slow character scan, run only after the parser has refused the text."""
    stack: list[dict[str, int] | None] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            after = end + 1
            while after < n and text[after] in " \t\r\n":
                after += 1
            seen = stack[-1] if stack else None
            if seen is not None and after < n and text[after] == ":":
                key = json.loads(text[i:end + 1])
                if key in seen:
                    return (_line_column(text, i), f"key '{shown(key)}' appears twice in one object (first at "
                            f"{_line_column(text, seen[key])}); the second would silently replace the first")
                seen[key] = i
            i = end + 1
            continue
        if c in "{[":
            stack.append({} if c == "{" else None)
            if len(stack) > MAX_DEPTH:
                return _line_column(text, i), f"JSON nesting is deeper than {MAX_DEPTH} levels"
        elif c in "}]" and stack:
            stack.pop()
        i += 1
    return None


def parse_json(text: str, name: str, error: type[AdvisorError]) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_float=_finite_float, parse_constant=str)
    except json.JSONDecodeError as exc:
        raise error([Issue(name, f"line {exc.lineno}, column {exc.colno}", f"JSON syntax error: {exc.msg}",
                           "check commas, brackets and quotes there")]) from None
    except (_DuplicateKey, RecursionError):
        found = _json_scan(text)
        where, problem = found or ("", "JSON nesting is too deep")
        fix = "keep one of the two" if "twice" in problem else "flatten the document"
        raise error([Issue(name, where, problem, fix)]) from None


def load_data_file(path: Path, error: type[AdvisorError]) -> Any:
    """A YAML or JSON file as Python data."""
    text = read_text(path, error)
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path), error)
    return parse_yaml(text, str(path), error)
