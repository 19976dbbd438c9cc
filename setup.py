"""Build hook: the top-level ``templates/`` (their source) are installed inside the package.

Everything else is declared in pyproject.toml. An editable install keeps reading the
checkout's ``templates/`` directly (``explainer.web.app.template_folder``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    """``build_py`` that also copies ``templates/`` to ``explainer/templates``."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "explainer" / "templates"
            shutil.copytree(Path(__file__).parent / "templates", target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithTemplates})
