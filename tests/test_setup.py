"""The set-up script: without root and with packages missing, one line naming the fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages.sh"


def fake_bin(tmp_path: Path, installed: bool, uid: int) -> dict[str, str]:
    """A PATH where dpkg-query finds every package or none, and id -u prints ``uid``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    status = "install ok installed" if installed else ""
    (bin_dir / "dpkg-query").write_text(f"#!/bin/sh\nprintf '{status}'\n")
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho apt-get was called >&2\nexit 99\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_missing_packages_without_root_print_the_exact_command(tmp_path: Path) -> None:
    env = fake_bin(tmp_path, installed=False, uid=1000)
    done = subprocess.run([SCRIPT], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "apt-get install -y --no-install-recommends" in lines[0]
    for package in (
        "libcairo2-dev",
        "libpango1.0-dev",
        "pkg-config",
        "texlive-latex-base",
        "texlive-latex-extra",
        "dvisvgm",
    ):
        assert package in lines[0]
    assert "apt-get was called" not in done.stderr
    assert "chromium" not in lines[0]  # rendering needs no browser


def test_the_test_suite_also_asks_for_chromium(tmp_path: Path) -> None:
    env = fake_bin(tmp_path, installed=False, uid=1000)
    done = subprocess.run([SCRIPT, "test"], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "chromium chromium-driver" in done.stderr


def test_nothing_to_do_when_everything_is_installed(tmp_path: Path) -> None:
    env = fake_bin(tmp_path, installed=True, uid=1000)
    done = subprocess.run([SCRIPT], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_as_root_it_installs_with_apt(tmp_path: Path) -> None:
    env = fake_bin(tmp_path, installed=False, uid=0)
    done = subprocess.run([SCRIPT], env=env, capture_output=True, text=True)
    assert "apt-get was called" in done.stderr and done.returncode == 99


def test_a_second_setup_has_nothing_to_install() -> None:
    # The suite runs after `make setup`; make -q says whether the venv is up to date.
    done = subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT, capture_output=True)
    assert done.returncode == 0
    dry = subprocess.run(["make", "-n", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert "pip install" not in dry.stdout
