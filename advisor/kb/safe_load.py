"""Read YAML, JSON and text files defensively: size caps, binary detection, alias bombs.

A profile is small (kilobytes). Anything far larger, binary, or a YAML document whose
aliases expand to millions of nodes ("billion laughs") is refused with a clear message
before it can cost time or memory.
"""

from __future__ import annotations

import json
import os
import stat
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


def _expanded_size(node: yaml.Node, memo: dict[int, int], limit: int) -> int:
    """How many nodes the document has once every alias is expanded (memoised, so linear)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, limit)
            if total > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo, limit) + _expanded_size(v, memo, limit)
            if total > limit:
                break
    memo[key] = total
    return total


def parse_yaml(text: str, name: str, error: type[AdvisorError]) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
            raise error([Issue(name, "", f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes",
                               "remove the nested anchors and aliases (&a / *a); write the values out")])
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = f"YAML syntax error: {exc.problem or exc.context}"
        fix = "check indentation, colons and quotes there (a value with ':' or '#' needs quotes)"
        raise error([Issue(name, where, problem, fix)]) from None
    except yaml.YAMLError as exc:
        raise error([Issue(name, "", f"YAML error: {exc}", "check the file's syntax")]) from None
    except RecursionError:
        raise error([Issue(name, "", "YAML nesting is too deep", "flatten the document")]) from None
    finally:
        loader.dispose()


def parse_json(text: str, name: str, error: type[AdvisorError]) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error([Issue(name, f"line {exc.lineno}, column {exc.colno}", f"JSON syntax error: {exc.msg}",
                           "check commas, brackets and quotes there")]) from None
    except RecursionError:
        raise error([Issue(name, "", "JSON nesting is too deep", "flatten the document")]) from None


def load_data_file(path: Path, error: type[AdvisorError]) -> Any:
    """A YAML or JSON file as Python data."""
    text = read_text(path, error)
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path), error)
    return parse_yaml(text, str(path), error)
