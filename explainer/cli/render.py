"""Plain-text rendering of a decision for the terminal."""

from __future__ import annotations

from typing import Any

__all__ = ["render_decision"]


def render_decision(d: dict[str, Any]) -> str:
    """Both decisions, their top attributions, then the customer wording."""
    lines: list[str] = []
    for name in ("intent", "priority"):
        block = d.get(name)
        if not block:
            continue
        e = block["explanation"]
        extra = block.get("queue") or block.get("response_time") or ""
        lines.append(
            f"{name}: {block['display']} ({block['label']}) {extra}  "
            f"confidence {block['confidence']:.2f}"
        )
        lines.append(
            f"  margin vs {e['contrast']}: base {e['base_value']:+.3f} + "
            f"attributions = {e['output_value']:+.3f} "
            f"(additivity error {e['additivity_error']:.1e})"
        )
        for a in e["attributions"][:6]:
            lines.append(f"    {a['value']:+.3f}  {a['display']}")
    c = d["customer"]
    lines += ["", "What the customer sees:", f"  {c['summary']}"]
    lines += [f"  - {r}" for r in c["reasons"]]
    if c["counterfactual"]:
        lines.append(f"  {c['counterfactual']['text']}")
    lines.append(f"  {c['notice']}")
    return "\n".join(lines)
