"""Promotion gates: a candidate serves only when the shadow report shows it is no less
accurate on reviewed decisions, raises no new four-fifths flag and stays calibrated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Gates"]


@dataclass(frozen=True)
class Gates:
    """The thresholds (``EXPLAINER_PROMOTE_*`` settings, or the command's options)."""

    max_accuracy_loss: float = 0.02
    max_ece_increase: float = 0.05
    min_reviewed: int = 20
    # A new four-fifths flag fails the gate when the group's value moved the wrong way by
    # at least this and by more than sampling noise (two standard errors at the group's
    # size): otherwise a decision or two crossing the line in a small group would refuse.
    flag_min_change: float = 0.05

    def failures(self, report: dict[str, Any]) -> list[str]:
        """Every gate the report fails, as a sentence naming the gate; empty: promote."""
        out: list[str] = []
        for name, m in report["models"].items():
            acc, n = m["accuracy"], m["accuracy"]["reviewed"]
            if n < self.min_reviewed:
                out.append(
                    f"accuracy gate: {name} has {n} reviewed decisions, fewer than the "
                    f"{self.min_reviewed} needed to compare accuracy"
                )
            else:
                cur, cand = acc["current"]["accuracy"], acc["candidate"]["accuracy"]
                if cand < cur - self.max_accuracy_loss:
                    out.append(
                        f"accuracy gate: {name} accuracy on {n} reviewed decisions falls from "
                        f"{cur:.3f} to {cand:.3f} (allowed loss {self.max_accuracy_loss:.3f})"
                    )
            cur_ece, ece = (m["calibration"][s]["ece"] for s in ("current", "candidate"))
            if n >= self.min_reviewed and ece > cur_ece + self.max_ece_increase:
                out.append(
                    f"calibration gate: {name} ECE on {n} reviewed decisions rises from "
                    f"{cur_ece:.3f} to {ece:.3f} (allowed rise {self.max_ece_increase:.3f})"
                )
        for flag in report["fairness"]["new_flags"]:
            worse, noise = flag.get("worse_by"), flag.get("noise") or 0.0
            if worse is not None and worse >= max(self.flag_min_change, noise):
                out.append(
                    f"fairness gate: new four-fifths flag on {flag['metric']} for "
                    f"{flag['attribute']} = {flag['group']} (ratio {flag.get('ratio') or 0:.2f}, "
                    f"moved {worse:.3f} the wrong way)"
                )
        return out
