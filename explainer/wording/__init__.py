"""Customer wording: reasons, counterfactuals and outcomes in plain language."""
