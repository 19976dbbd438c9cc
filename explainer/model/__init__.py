"""Models as served: the registry, the serving featurizer, label catalogue and cards."""
