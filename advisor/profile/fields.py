"""The one walker of the profile model: every field path with its kind, bounds and choices.

The workbook layout, the batch-table columns and the validation messages all ask this module what
lives at a path of the profile (advisor.profile.model), so a field added to the model gets its
workbook row, its batch column and its did-you-mean without further work.

Kinds: ``bool``, ``number``, ``int``, ``text``, ``choice`` (a Literal: ``choices`` lists the values),
``list`` and ``dict`` (``item`` describes one element or value), ``model`` (``model`` is the class)
and ``any`` (an annotation none of these describe).
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from advisor.profile.model import EmissionsHistory, Profile

Bounds = tuple[tuple[str, float], ...]      # ((op, limit), …) with op in ge, gt, le, lt


@dataclass(frozen=True)
class Field:
    """What a profile field holds."""

    path: str                               # dotted path from the model walked ('park.boundary.type')
    kind: str                               # bool | number | int | text | choice | list | dict | model | any
    choices: tuple = ()                     # choice: the allowed values
    bounds: Bounds = ()                     # number and int: the limits a value must keep
    item: Field | None = None               # list: one element; dict: one value
    model: type[BaseModel] | None = None    # model: the pydantic class

    @property
    def item_model(self) -> type[BaseModel] | None:
        """The model of a list's elements (park.industries → IndustryShare), or None."""
        return self.item.model if self.item is not None else None


def unwrap(annotation: Any) -> tuple[Any, Bounds]:
    """The bare type of an annotation (Optional and Annotated removed) and its numeric bounds."""
    bounds: list[tuple[str, float]] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *metadata = get_args(annotation)
            for meta in metadata:
                bounds += _bounds_of(getattr(meta, "metadata", None) or [meta])
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, tuple(bounds)


def _bounds_of(metadata: Iterable[Any]) -> list[tuple[str, float]]:
    out = []
    for m in metadata:
        for op in ("ge", "gt", "le", "lt"):
            value = getattr(m, op, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append((op, value))
    return out


_SCALARS = {bool: "bool", int: "int", float: "number", str: "text"}


def describe(annotation: Any, path: str = "", metadata: Iterable[Any] = ()) -> Field:
    """The Field of an annotation; `metadata` adds the bounds pydantic keeps beside it (FieldInfo.metadata)."""
    tp, bounds = unwrap(annotation)
    bounds += tuple(_bounds_of(metadata))
    origin = get_origin(tp)
    if origin is Literal:
        return Field(path, "choice", choices=get_args(tp))
    if tp in _SCALARS:
        return Field(path, _SCALARS[tp], bounds=bounds if tp in (int, float) else ())
    if origin is list:
        return Field(path, "list", item=describe(get_args(tp)[0]))
    if origin is dict:
        return Field(path, "dict", item=describe(get_args(tp)[1]))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return Field(path, "model", model=tp)
    return Field(path, "any")


@cache
def fields_of(model: type[BaseModel]) -> dict[str, Field]:
    """The direct fields of a model by name (their paths are the names)."""
    return {name: describe(info.annotation, name, info.metadata) for name, info in model.model_fields.items()}


def walk(model: type[BaseModel] = Profile, prefix: str = "") -> Iterator[Field]:
    """Every field below a model, depth first in the model's order; sub-models are entered, not listed.

    Lists and dicts are listed, not entered (their items are `item`).
    """
    for name, field in fields_of(model).items():
        path = f"{prefix}{name}"
        if field.kind == "model" and field.model is not None:
            yield from walk(field.model, f"{path}.")
        else:
            yield Field(path, field.kind, field.choices, field.bounds, field.item, field.model)


def field_at(parts: Iterable[str | int], model: type[BaseModel] = Profile) -> Field | None:
    """The field at a path (['park', 'base_year'], or a dict key such as ['economy', 'values', '2018']).

    A dict's key may be anything (its value's Field is given); emissions_history's substances sit beside
    `unit` (emissions_history.CO2e.2022). None when the path names no field, or goes inside a list or a
    scalar.
    """
    field = Field("", "model", model=model)
    for part in parts:
        if field.kind == "model" and field.model is not None:
            own = fields_of(field.model)
            if part in own:
                field = own[str(part)]
            elif field.model is EmissionsHistory:
                field = own["series"].item or Field("", "any")
            else:
                return None
        elif field.kind == "dict" and field.item is not None:
            field = field.item
        else:
            return None
    return field


def model_at(loc: Iterable[str | int] | str) -> type[BaseModel] | None:
    """The model whose fields sit at a location of the profile, or None.

    `loc` is a dotted path or a validation location; list indices are passed over, so
    ('park', 'industries', 0) and 'park.industries' both give IndustryShare.
    """
    parts = loc.split(".") if isinstance(loc, str) else loc
    field: Field | None = Field("", "model", model=Profile)
    for part in parts:
        if field is None or isinstance(part, int):
            continue
        if field.kind == "list":
            field = field.item
        if field is None or field.kind != "model" or field.model is None:
            return None
        field = fields_of(field.model).get(part)
    if field is not None and field.kind == "list":
        field = field.item
    return field.model if field is not None and field.kind == "model" else None
