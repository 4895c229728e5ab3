"""A non-editable wheel carries the knowledge base, the rules and the templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_knowledge_rules_and_templates_and_runs_from_elsewhere(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("park_advisor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "advisor/_data/knowledge/measures/7.3.5.yaml" in names
    assert "advisor/_data/knowledge/factors/grid_factors.csv" in names
    assert any(n.startswith("advisor/_data/rules/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("advisor/_data/reports/templates/") for n in names)
    assert "advisor/_data/examples/demo-chemical.yaml" in names
    assert "advisor/web/app.py" in names
    assert "advisor/_data/reports/templates/web/results.html.j2" in names
    assert "advisor/_data/reports/templates/web/labels.yaml" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", "from advisor.cli.entry import main; raise SystemExit(main(['kb', 'check']))"],
                          cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    check = subprocess.run([sys.executable, "-c", "import advisor.kb.paths as p; print(p.knowledge_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert str(site) in check.stdout
