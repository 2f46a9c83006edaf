"""Writes never follow links; a killed command loses nothing and leaves nothing; a
stuck LaTeX holds only its own formula.

A two-scene silent lesson is rendered and joined once at 480p15 (the site). Each
file mathvid writes (the script, a preview, an export target, a lesson output) is
replaced by a symbolic link to a file outside the lesson's folder: the command
refuses in one line and the outside file is unchanged. ``mathvid lesson`` is killed
(``kill -9``) while it joins: the previous lesson stays whole, and the next run
leaves no temporary behind. Every process runs under a time limit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from mathvid import media
from scenes.derivatives import DerivativeTable, TangentLine
from tests.mathvid.command import ROOT, cli_args, mathvid
from tests.sharing import seeded

LESSON = """title = "Tiny"
voice = "none"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "{title}"

[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "The table of derivatives"
"""

OUTSIDE = "a file outside the lesson's folder\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ended() -> int:
    """The pid of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait(timeout=30)
    return proc.pid


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict[str, Path]:
    """The lesson rendered and joined once: its folder, file, media folder, the
    folder of its joined outputs, and a folder outside it all. Its scenes are copies
    of the session's renders of them, which ``mathvid lesson`` finds current."""
    folder = tmp_path_factory.mktemp("writes")
    lesson = folder / "lesson" / "lesson.toml"
    lesson.parent.mkdir()
    lesson.write_text(LESSON.format(title="The tangent line"))
    scenes = {"tangent": TangentLine, "table": DerivativeTable}
    seeded(folder / "media", lesson, scene_media, scenes)
    done = mathvid("lesson", "-q", "l", "--lesson", lesson, "--media", folder / "media")
    assert done.returncode == 0, done.stderr
    outside = folder / "outside"
    outside.mkdir()
    return {
        "lesson": lesson,
        "media": folder / "media",
        "joined": folder / "media" / "lesson" / "lesson" / "l",
        "outside": outside,
    }


def refused(done: subprocess.CompletedProcess[str], says: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def outside_file(site: dict, name: str) -> Path:
    path = site["outside"] / name
    path.write_text(OUTSIDE)
    return path


# --- writes never follow links ------------------------------------------------------


def _script(site: dict) -> tuple[Path, tuple]:
    return site["lesson"].parent / "narration" / "script.md", ("script",)


def _preview(site: dict) -> tuple[Path, tuple]:
    path = site["media"] / "lesson" / "previews" / "tangent-1s.png"
    return path, ("preview", "tangent", "--at", "1s")


def _single_file(site: dict) -> tuple[Path, tuple]:
    path = site["lesson"].parent / "lecture.html"
    return path, ("export", "-q", "l", "--single-file", path)


def _deck(site: dict) -> tuple[Path, tuple]:
    path = site["lesson"].parent / "lecture.pptx"
    return path, ("export", "-q", "l", "--pptx", path)


def _captions(site: dict) -> tuple[Path, tuple]:
    return site["joined"] / "lesson.vtt", ("lesson", "-q", "l")


@pytest.mark.parametrize(
    "target", [_script, _preview, _single_file, _deck, _captions], ids=lambda f: f.__name__
)
def test_a_file_that_is_a_link_is_refused_in_one_line(site: dict, target) -> None:
    path, command = target(site)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = {p: digest(p) for p in site["joined"].rglob("*") if p.is_file()}
    kept = path.with_name(f"kept-{path.name}")
    if path.exists():
        path.rename(kept)
    outside = outside_file(site, path.name)
    path.symlink_to(outside)
    try:
        done = mathvid(*command, "--lesson", site["lesson"], "--media", site["media"])
    finally:
        path.unlink()
        if kept.exists():
            kept.rename(path)
    refused(done, "is a symbolic link")
    assert outside.read_text() == OUTSIDE
    # The lesson's outputs are as they were: none was written before the refusal.
    assert {p: digest(p) for p in site["joined"].rglob("*") if p.is_file()} == before


def test_an_export_folder_that_is_a_link_is_refused(site: dict) -> None:
    outside = site["outside"] / "bundle"
    outside.mkdir()
    (outside / "index.html").write_text(OUTSIDE)
    link = site["lesson"].parent / "bundle"
    link.symlink_to(outside, target_is_directory=True)
    try:
        done = mathvid(
            "export", "-q", "l", link, "--lesson", site["lesson"], "--media", site["media"]
        )
    finally:
        link.unlink()
    refused(done, "is a symbolic link")
    assert [p.name for p in outside.iterdir()] == ["index.html"]
    assert (outside / "index.html").read_text() == OUTSIDE


def test_a_script_through_a_linked_folder_is_refused(site: dict) -> None:
    narration = site["lesson"].parent / "narration"
    if narration.exists():
        shutil.rmtree(narration)
    elsewhere = site["outside"] / "narration"
    elsewhere.mkdir()
    script = outside_file(site, "narration/script.md")
    narration.symlink_to(elsewhere, target_is_directory=True)
    try:
        done = mathvid("script", "--lesson", site["lesson"], "--media", site["media"])
    finally:
        narration.unlink()
    refused(done, "resolves outside")
    assert script.read_text() == OUTSIDE
    assert [p.name for p in elsewhere.iterdir()] == ["script.md"]


def test_replacing_refuses_a_link_and_a_folder_leading_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(OUTSIDE)
    (tmp_path / "lesson").mkdir()
    (tmp_path / "lesson" / "out.txt").symlink_to(outside)
    with pytest.raises(media.UnsafePath, match="is a symbolic link"):
        media.write_text(tmp_path / "lesson" / "out.txt", "new")
    (tmp_path / "lesson" / "linked").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(media.UnsafePath, match="resolves outside"):
        media.write_text(
            tmp_path / "lesson" / "linked" / "outside.txt",
            "new",
            within=tmp_path / "lesson",
        )
    assert outside.read_text() == OUTSIDE
    assert sorted(p.name for p in (tmp_path / "lesson").iterdir()) == ["linked", "out.txt"]


# --- crash consistency ------------------------------------------------------------


def test_files_written_together_are_all_old_until_all_are_new(tmp_path: Path) -> None:
    paths = [tmp_path / "a.mp4", tmp_path / "a.vtt"]
    for path in paths:
        path.write_text("old")
    with pytest.raises(RuntimeError), media.replacing_all(paths) as temporaries:
        temporaries[0].write_text("new")
        raise RuntimeError("the second file fails")
    assert [p.read_text() for p in paths] == ["old", "old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "a.vtt"]
    with media.replacing_all(paths) as temporaries:
        for tmp in temporaries:
            tmp.write_text("new")
    assert [p.read_text() for p in paths] == ["new", "new"]


def test_the_temporaries_of_a_dead_process_are_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    dead, hex12 = _ended(), "0123456789ab"
    theirs = tmp_path / f".lesson.{dead}-{hex12}.tmp.mp4"
    running = tmp_path / f".lesson.{os.getppid()}-{hex12}.tmp.mp4"  # a live process's
    other = tmp_path / f".other.{dead}-{hex12}.tmp.mp4"  # another file's: not this write's
    # From before temporaries carried a pid: gone once old enough to be no write's.
    untagged, recent = (tmp_path / f".lesson.{n}.tmp.mp4" for n in ("0123abcd", "4567ef01"))
    for path in (theirs, running, other, untagged, recent):
        path.write_text("half")
    hours_ago = time.time() - 3600 * (media.UNTAGGED_HOURS + 1)
    os.utime(untagged, (hours_ago, hours_ago))
    media.write_text(tmp_path / "lesson.mp4", "whole")
    assert not theirs.exists() and not untagged.exists()
    assert running.exists() and other.exists() and recent.exists()
    folder = tmp_path / f"mathvid-stills-{dead}-{hex12}"
    folder.mkdir()
    with media.temporary_folder("mathvid-stills-", tmp_path) as mine:
        assert mine.is_dir() and media.owner(mine.name) == os.getpid()
        assert not folder.exists()
    assert not mine.exists()


def _leftovers(site: dict) -> list[Path]:
    """Temporaries in the lesson's joined outputs."""
    return [p for p in site["joined"].rglob(".*") if ".tmp" in p.name]


def _outputs(site: dict) -> dict[str, str]:
    """The lesson's joined outputs (not temporaries) and their digests."""
    return {
        str(p.relative_to(site["joined"])): digest(p)
        for p in site["joined"].rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _chapters(video: Path) -> list[str]:
    with av.open(str(video)) as container:
        return [c["metadata"]["title"] for c in container.chapters()]


# Runs ``mathvid`` with the join slowed (a pause per picture packet: the test kills
# it from outside meanwhile) or killing itself (kill -9) at its last step, when
# every new file but the posters is complete and nothing is renamed yet.
KILLED = """
import os, signal, sys, time
from mathvid.publish import assemble
if sys.argv[1] == "slow":
    pictures = assemble._pictures
    def slow(*args):
        for packet in pictures(*args):
            time.sleep(0.01)
            yield packet
    assemble._pictures = slow
else:
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    assemble.last_frame = killed
from mathvid.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _join_killed(site: dict, how: str) -> int:
    """Run ``mathvid lesson`` and kill it while it joins; its pid."""
    args = ("lesson", "-q", "l", "--lesson", site["lesson"], "--media", site["media"])
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, how, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if how == "slow":
            deadline = time.monotonic() + 120
            while not any(p.stat().st_size for p in site["joined"].glob(".lesson.*.mp4")):
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "the join never started"
                time.sleep(0.02)
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    return proc.pid


def test_a_join_killed_keeps_the_previous_lesson_whole(site: dict) -> None:
    joined = site["joined"]
    before = _outputs(site)
    assert _chapters(joined / "lesson.mp4")[0] == "The tangent line"
    site["lesson"].write_text(LESSON.format(title="The tangent line, again"))
    for how in ("slow", "last step"):
        pid = _join_killed(site, how)
        assert _outputs(site) == before, how  # video, captions, transcript, posters
        left = _leftovers(site)
        assert left and all(media.owner(p.name) == pid for p in left), left
    # The previous lesson still belongs together: its chapters are its transcript's.
    assert "The tangent line, again" not in (joined / "transcript.txt").read_text()
    assert _chapters(joined / "lesson.mp4")[0] == "The tangent line"
    done = mathvid(
        "lesson", "-q", "l", "--lesson", site["lesson"], "--media", site["media"]
    )
    assert done.returncode == 0, done.stderr
    assert _leftovers(site) == []
    assert sorted(_outputs(site)) == sorted(before)
    assert _chapters(joined / "lesson.mp4")[0] == "The tangent line, again"
    assert "The tangent line, again" in (joined / "transcript.txt").read_text()
    site["lesson"].write_text(LESSON.format(title="The tangent line"))


def test_the_stills_folder_of_a_dead_process_goes_at_the_next_preview(
    site: dict, tmp_path: Path
) -> None:
    left = tmp_path / f"mathvid-stills-{_ended()}-0123456789ab"
    left.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = mathvid(
        "preview", "table", "--at", "1s", "--lesson", site["lesson"], "--media",
        site["media"], env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("mathvid-*"))  # its own folder is gone too


# --- a stuck LaTeX holds only its formula -------------------------------------------

# LaTeX that hangs on the formula "stuckformula" while MATHVID_TEST_STUCK is set.
FAKE_LATEX = """#!/bin/sh
for last; do :; done
if [ -n "$MATHVID_TEST_STUCK" ] && grep -q stuckformula "$last"; then sleep 600; fi
exec {latex} "$@"
"""

TYPESET = """
import sys
from manim import MathTex, tempconfig
from mathvid.run.manim_setup import manim_config
with tempconfig(manim_config({"media_dir": sys.argv[1]})):
    MathTex(sys.argv[2])
"""


ONE_SCENE = LESSON[: LESSON.index("[[scene]]", LESSON.index("[[scene]]") + 1)].format(
    title="The tangent line"
)  # the tangent alone


def test_a_stuck_latex_holds_only_its_formula(tmp_path: Path) -> None:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "latex").write_text(FAKE_LATEX.format(latex=shutil.which("latex")))
    (bin_ / "latex").chmod(0o755)
    cache = tmp_path / "Tex"
    env = {
        **os.environ,
        "PATH": f"{bin_}:{os.environ['PATH']}",
        "MATHVID_TEX_CACHE": str(cache),
        "MATHVID_LATEX_SECONDS": "600",
    }

    def typeset(formula: str, stuck: bool) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", TYPESET, str(tmp_path / "media"), formula],
            cwd=ROOT,
            env={**env, "MATHVID_TEST_STUCK": "1"} if stuck else env,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    stuck = [typeset(r"\text{stuckformula}", stuck=True)]
    try:
        deadline = time.monotonic() + 120
        while not list(cache.glob(f"*-{stuck[0].pid}-*.tex")):  # it holds the lock
            assert stuck[0].poll() is None, stuck[0].stderr.read()
            assert time.monotonic() < deadline, "LaTeX never started"
            time.sleep(0.1)
        stuck.append(typeset(r"\text{stuckformula}", stuck=True))  # waits on the lock
        # A command that typesets other formulas (not rendered, the cache empty: all
        # of a scene's; one scene's 18 show it as well as two scenes' 46, for half
        # the LaTeX).
        lesson = tmp_path / "lesson" / "lesson.toml"
        lesson.parent.mkdir()
        lesson.write_text(ONE_SCENE)
        listing = cli_args("list", "--lesson", lesson, "--media", tmp_path)
        done = subprocess.run(
            listing,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        again = subprocess.run(  # and one that typesets nothing, all being cached
            listing,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0 and again.stdout == done.stdout, again.stderr
        assert [p.poll() for p in stuck] == [None, None]
        assert not list(cache.glob(f"*-{stuck[1].pid}-*"))  # waiting, not compiling
    finally:
        for proc in reversed(stuck):  # the waiting one first: it takes no lock then
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert list(cache.glob(f"*-{stuck[0].pid}-*.tex"))  # what the killed one left
    # The formula, no longer stuck: typeset, and the killed compile's files removed.
    unstuck = typeset(r"\text{stuckformula}", stuck=False)
    assert unstuck.wait(timeout=120) == 0, unstuck.stderr.read()
    assert not [p for p in cache.iterdir() if media.owner(p.name) is not None]
