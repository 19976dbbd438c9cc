"""What a model card records that serving checks too: library versions and the baseline."""

from __future__ import annotations

import platform

__all__ = ["BASELINE_TEXT", "library_versions"]

BASELINE_TEXT = "an empty message from a typical customer"


def library_versions() -> dict[str, str]:
    """Versions an artifact depends on; the registry refuses a mismatch."""
    # Imported here: the request path never needs these modules' import cost.
    import joblib
    import numpy
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
