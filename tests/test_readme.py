"""The README's configuration table is the one generated from `config.env.VARIABLES`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dukkan.config.env import VARIABLES

ROOT = Path(__file__).resolve().parent.parent


def test_readme_configuration_table_matches_the_variables() -> None:
    spec = importlib.util.spec_from_file_location("config_table", ROOT / "docs" / "config_table.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert module.rendered(readme) == readme, "run: python docs/config_table.py --write"
    for variable in VARIABLES:
        assert f"| `{variable.name}` |" in readme
