"""Building blocks shared by the knowledge and profile models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """A model in which a misspelt key is an error, not a silently ignored field."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


class Text(Strict):
    """The same sentence in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_lang(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en
