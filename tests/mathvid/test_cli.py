"""The ``mathvid`` command end to end, as ``make lesson`` runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[2]


def mathvid(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mathvid.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_lesson_renders_a_video_that_plays(tmp_path: Path) -> None:
    done = mathvid("lesson", "-q", "l", "--media", str(tmp_path))
    assert done.returncode == 0, done.stderr
    video = Path(done.stdout.strip().splitlines()[-1].split(": ", 1)[1])
    assert video.is_file() and tmp_path in video.parents
    with av.open(str(video)) as container:
        assert next(container.decode(video=0)).width == 854


def test_a_broken_lesson_file_gets_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "lesson.toml"
    bad.write_text('[[scene]]\nid = "x"\nscene = "scenes.derivatives:TangentLine"\n')
    done = mathvid("lesson", "--lesson", str(bad), "--media", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert str(bad) in done.stderr and "title" in done.stderr
    assert "Traceback" not in done.stderr

    bad.write_text("this is = = not toml")
    done = mathvid("lesson", "--lesson", str(bad), "--media", str(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not list(tmp_path.rglob("*.mp4"))


def test_help_shows_examples() -> None:
    done = mathvid("--help")
    assert done.returncode == 0 and "mathvid lesson -q l" in done.stdout
