"""Shadow evaluation: re-decide the stored log with a candidate model set and compare."""
