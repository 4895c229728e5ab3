"""The park's short id, made from its name when the page leaves it empty (the user may change it)."""

from __future__ import annotations

import hashlib
import re

from starlette.datastructures import FormData

ID_FIELD, NAME_FIELD = "park-id", "park-name"


def id_from_name(name: str) -> str:
    """Letters and digits of the name, joined by '-' (Demo Chemical Park → demo-chemical-park); a name
    without enough of them (示例化工园区) gets 'park-' and six characters derived from the name, the same each time."""
    ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48]
    if len(ascii_part) >= 3:
        return ascii_part
    return "park-" + hashlib.sha1(name.strip().encode("utf-8")).hexdigest()[:6]


def with_park_id(form: FormData) -> FormData:
    """The submitted form with an id made from the name, when the id was sent empty and the name was not."""
    name = str(form.get(NAME_FIELD) or "").strip()
    if ID_FIELD not in form or str(form.get(ID_FIELD) or "").strip() or not name:
        return form
    items = [(k, v) for k, v in form.multi_items() if k != ID_FIELD]
    return FormData(items + [(ID_FIELD, id_from_name(name))])
