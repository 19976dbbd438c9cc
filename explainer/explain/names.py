"""Names of labels and sensitive topics in a language, from the models and the list."""

from __future__ import annotations

from collections.abc import Mapping

from explainer.handoff.topics import SensitiveTopics
from explainer.model.linear import LinearModel

__all__ = ["ModelNames"]


class ModelNames:
    """Label names from the deciding models' catalogues, topic names from the list."""

    def __init__(self, models: Mapping[str, LinearModel], topics: SensitiveTopics) -> None:
        self.models, self.topics = models, topics

    def label(self, model: str, label: str, lang: str) -> Mapping[str, str] | None:
        served = self.models.get(model)
        info = served.labels.get(label) if served is not None else None
        return info.local(lang).as_dict() if info is not None else None

    def topic(self, code: str, lang: str) -> str:
        return self.topics.say(code, lang)
