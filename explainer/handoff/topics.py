"""Sensitive topics: a versioned list of phrase patterns that always bring in a person.

The list is data (``sensitive_topics.json`` beside this module, or the file the
``sensitive_topics_file`` setting names), so a support team can add topics and
languages without code. Its ``version`` is stored with every decision, so an auditor
can tell which list judged a ticket.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["SensitiveTopics", "Topic"]


@dataclass(frozen=True)
class Topic:
    """One topic: its code, how the customer is told about it, and its compiled patterns."""

    code: str
    say: str
    pattern: re.Pattern[str]
    says: dict[str, str] = field(default_factory=dict, compare=False)  # other languages


@dataclass(frozen=True)
class SensitiveTopics:
    """The topics of one list version."""

    version: str
    topics: tuple[Topic, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> SensitiveTopics:
        """The list in ``path``, or the packaged default; a malformed list raises ValueError."""
        if path is None:
            text = files(__package__).joinpath("sensitive_topics.json").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls.parse(json.loads(text))

    @classmethod
    def parse(cls, data: Any) -> SensitiveTopics:
        """Validate and compile a decoded list."""
        try:
            version = str(data["version"])
            topics = []
            for code, topic in data["topics"].items():
                phrases = [p for ps in topic["patterns"].values() for p in ps]
                if not phrases:
                    raise ValueError(f"topic {code!r} has no patterns")
                joined = "|".join(f"(?:{p})" for p in phrases)
                compiled = re.compile(rf"(?<!\w)(?:{joined})(?!\w)", re.IGNORECASE)
                says = {str(k): str(v) for k, v in (topic.get("says") or {}).items()}
                topics.append(Topic(str(code), str(topic["say"]), compiled, says))
        except (KeyError, TypeError, AttributeError, re.error) as exc:
            raise ValueError(f"malformed sensitive-topic list: {exc}") from exc
        return cls(version, tuple(topics))

    def say(self, code: str, lang: str) -> str:
        """How the topic ``code`` is named to a customer reading ``lang``."""
        topic = next((t for t in self.topics if t.code == code), None)
        if topic is None:
            return code.replace("_", " ")
        return topic.says.get(lang, topic.say)

    def found(self, *texts: str) -> list[Topic]:
        """The topics whose patterns occur in any of ``texts``, in list order."""
        return [t for t in self.topics if any(t.pattern.search(x) for x in texts)]
