"""Everything the ``vaxroute`` command writes is owner-only, whatever the caller's umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from planner.files import create_private


def _modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]
    }


def test_plan_outputs_are_owner_only_even_under_a_permissive_umask(tmp_path: Path) -> None:
    out = tmp_path / "new" / "plan"
    run = subprocess.run(
        [sys.executable, "-m", "vaxroute", "demo", "--out", str(out), "--time-limit", "5"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )  # what a shell usually has
    assert run.returncode == 0, run.stderr
    modes = _modes(out)
    for name in ("plan.json", "routes.geojson", "unassigned.csv", "maps/overview.html"):
        assert name in modes
    loose = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert not loose, f"readable by others: {loose}"
    files = [out / name for name in modes if (out / name).is_file()]
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    for folder in (".", "sheets", "maps", "gpx"):
        assert modes[folder] == 0o700


def test_create_private_makes_folders_0700_and_the_file_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "a" / "b" / "vaxroute.sqlite"
        create_private(target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


def test_an_existing_loose_file_is_tightened(tmp_path: Path) -> None:
    target = tmp_path / "db.sqlite"
    target.write_bytes(b"")
    target.chmod(0o644)
    create_private(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
