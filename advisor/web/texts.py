"""The web pages' labels (zh, en): reports/templates/web/labels.yaml (and list_labels.yaml) on top of the report
labels."""

from __future__ import annotations

from functools import cache

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import templates_dir

LANGS = ("zh", "en")
LABEL_FILES = ("labels.yaml", "list_labels.yaml", "quantities_labels.yaml")   # the uploaded lists' tables; the
# targets, key projects and co-control chart of the results


def web_templates_dir():
    return templates_dir() / "web"


@cache
def _web_table() -> dict[str, dict[str, str]]:
    from advisor.kb.safe_load import load_data_file

    out: dict[str, dict[str, str]] = {}
    for name in LABEL_FILES:
        path = web_templates_dir() / name
        data = load_data_file(path, KnowledgeError)
        bad = [k for k, v in (data or {}).items()
               if not (isinstance(v, dict) and set(v) == set(LANGS) and all(isinstance(v[x], str) for x in LANGS))]
        if bad or not isinstance(data, dict):
            raise KnowledgeError([Issue(str(path), k, "a label needs text for zh and en, nothing else",
                                        "write {zh: …, en: …} and quote text that contains a comma") for k in bad])
        out.update(data)
    return out


@cache
def texts(lang: str) -> dict[str, str]:
    """Every label of the pages in one language (web labels win over report labels of the same key)."""
    from advisor.render.report import labels

    lang = lang if lang in LANGS else "zh"
    return {**labels(lang), **{key: value[lang] for key, value in _web_table().items()}}
