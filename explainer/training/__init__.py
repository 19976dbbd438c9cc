"""Training: the demo corpus, data sets, fitting, evaluation and model versions."""
