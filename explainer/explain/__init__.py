"""Exact explanations: attributions, grouping to words, counterfactual re-runs, the decision."""
