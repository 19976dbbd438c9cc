"""Models are served from plain arrays, equal to the pipeline, with no unpickling."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.cli import main
from explainer.errors import DataError, ModelIntegrityError
from explainer.model import serving
from explainer.model.linear import compile_model
from explainer.model.registry import current_version, load_model, load_pipeline
from explainer.training.datasets import LabelledData, demo_data
from explainer.training.pipeline import ACCOUNT_CATEGORICAL, ACCOUNT_NUMERIC, ModelSpec
from explainer.training.pipeline import build_pipeline as build

TOL = 1e-12


@pytest.fixture(scope="module")
def data() -> LabelledData:
    return demo_data(600, seed=11)


def _rows_equal(model: object, pipeline: object, frame: pd.DataFrame) -> None:
    features = pipeline.named_steps["features"]  # type: ignore[attr-defined]
    theirs = features.transform(frame).toarray()
    featurizer = model.featurizer  # type: ignore[attr-defined]
    for i, rec in enumerate(frame.to_dict("records")):
        row = featurizer.row(str(rec["text"]), rec)
        ours = np.zeros(featurizer.n_features)
        ours[row.cols] = row.vals
        ours[featurizer.account_cols] = row.account
        assert np.max(np.abs(ours - theirs[i])) <= TOL, rec["text"]


# Each example fits a pipeline: the fast suite tries a few settings, the slow stage more.
EXAMPLES = [pytest.param(3, id="quick"), pytest.param(8, id="deep", marks=pytest.mark.slow)]


@pytest.mark.parametrize("examples", EXAMPLES)
def test_serving_rows_equal_the_pipeline_for_every_accepted_setting(
    data: LabelledData, tmp_path_factory: pytest.TempPathFactory, examples: int
) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        sublinear=st.booleans(),
        char_range=st.sampled_from([(2, 4), (2, 5), (3, 5), (1, 3)]),
        min_df=st.integers(1, 3),
        account=st.booleans(),
    )
    def check(sublinear: bool, char_range: tuple[int, int], min_df: int, account: bool) -> None:
        spec = ModelSpec(
            categorical=ACCOUNT_CATEGORICAL if account else (),
            numeric=ACCOUNT_NUMERIC if account else (),
            word_min_df=min_df,
            char_min_df=min_df,
            char_range=char_range,
            sublinear_tf=sublinear,
        )
        cols = ["text", *spec.account_fields]
        pipe = build(spec).fit(data.frame[cols], data.priority)
        classes = [{"label": str(c), "display": str(c)} for c in pipe.named_steps["clf"].classes_]
        card = {"name": "priority", "version": "v", "sha256": "-", "classes": classes}
        folder = tmp_path_factory.mktemp("serving")
        serving.write(compile_model(pipe, card, {}), folder)
        served = serving.read(folder, card, {})
        _rows_equal(served, pipe, data.frame[cols].head(150))

    check()


@pytest.mark.parametrize(
    ("setting", "named"),
    [({"norm": None}, "norm=None"), ({"norm": "l1"}, "norm='l1'"),
     ({"use_idf": False}, "use_idf=False"), ({"binary": True}, "binary=True")],
)  # fmt: skip
def test_settings_the_featurizer_cannot_reproduce_are_refused(setting: dict, named: str) -> None:
    with pytest.raises(DataError, match="serving featurizer cannot reproduce") as err:
        build(ModelSpec(**setting))
    assert named in err.value.detail


def test_serving_needs_neither_sklearn_nor_joblib(models_dir: Path) -> None:
    probe = (
        "import sys; from pathlib import Path; from explainer.model.registry import load_models; "
        f"load_models(Path({str(models_dir)!r})); "
        "print(sorted(m for m in ('sklearn', 'joblib', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_changed_serving_file_is_refused(models_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "models"
    shutil.copytree(models_dir, copy)
    arrays = copy / "intent" / str(current_version(copy, "intent")) / serving.ARRAYS
    data = bytearray(arrays.read_bytes())
    data[-10] ^= 0x01
    arrays.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        load_model(copy, "intent")


def test_a_version_without_a_serving_form_is_upgraded_by_the_command(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: LabelledData
) -> None:
    copy = tmp_path / "models"
    shutil.copytree(models_dir, copy)
    folder = copy / "priority" / str(current_version(copy, "priority"))
    card = json.loads((folder / "model.json").read_text("utf-8"))
    del card["serving"]  # as the previous release wrote it
    (folder / "model.json").write_text(json.dumps(card), "utf-8")
    for name in (serving.ARRAYS, serving.LAYOUT):
        (folder / name).unlink()
    with pytest.raises(ModelIntegrityError, match="explainer models upgrade"):
        load_model(copy, "priority")
    monkeypatch.setenv("EXPLAINER_MODELS_DIR", str(copy))
    done = CliRunner().invoke(main, ["models", "upgrade"])
    assert done.exit_code == 0 and "priority" in done.output and "written" in done.output
    model, pipe = load_model(copy, "priority"), load_pipeline(copy, "priority")
    _rows_equal(model, pipe, data.frame[["text", *model.account_fields]].head(100))
