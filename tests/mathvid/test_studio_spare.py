"""The studio's spare generation: taken by a code edit that leaves the files it
imported as they were, never by one that changed them (nothing stale is drawn)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mathvid.studio.worker import SAME_AGE, SPARE_AFTER, Spare
from tests.mathvid.studio_site import Events, running


def spare_listing(folder: Path, files: list[Path], made: int) -> Spare:
    listing = folder / "spare-1.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    return Spare(pid=0, fd=-1, made=made, listing=listing)


def test_a_spare_is_fresh_while_its_files_are_older_than_it(tmp_path) -> None:
    old = tmp_path / "old.py"
    old.write_text("x = 1\n")
    made = time.time_ns()
    os.utime(old, ns=(made - 10 * SAME_AGE, made - 10 * SAME_AGE))
    assert spare_listing(tmp_path, [old], made).fresh()


def test_a_spare_is_stale_once_a_file_it_imported_changed(tmp_path) -> None:
    edited, kept = tmp_path / "edited.py", tmp_path / "kept.py"
    made = time.time_ns()
    for path in (edited, kept):
        path.write_text("x = 1\n")
        os.utime(path, ns=(made - 10 * SAME_AGE, made - 10 * SAME_AGE))
    os.utime(edited, ns=(made + SAME_AGE, made + SAME_AGE))  # saved after
    assert not spare_listing(tmp_path, [kept, edited], made).fresh()


def test_a_spare_is_stale_when_a_file_it_imported_is_gone(tmp_path) -> None:
    assert not spare_listing(tmp_path, [tmp_path / "gone.py"], time.time_ns()).fresh()


def test_a_spare_still_importing_is_not_taken(tmp_path) -> None:
    spare = Spare(pid=0, fd=-1, made=time.time_ns(), listing=tmp_path / "none.json")
    assert not spare.fresh()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    with running(tmp_path_factory.mktemp("studio-spare")) as site:
        yield site


def wait_for_spare(site) -> list[Path]:
    """The spare's listing, once the studio has been quiet long enough to make it."""
    deadline = time.monotonic() + SPARE_AFTER + 60
    while time.monotonic() < deadline:
        listings = list(site.media.glob("*/studio/spare-*.json"))
        if listings:
            return listings
        time.sleep(0.1)
    raise AssertionError("no spare generation was made while the studio was quiet")


def alive(listing: Path) -> bool:
    """Whether the spare that wrote ``listing`` (``spare-PID.json``) still runs."""
    return Path("/proc", listing.stem.removeprefix("spare-")).exists()


def code_edit(site, module: Path, text: str) -> None:
    events = Events(site)
    start = events.mark()
    module.write_text(text)
    events.wait_for(lambda e: e["type"] == "changed" and "table" in e["scenes"], start)


def frame(site, scene: str = "table"):
    return site.client().get("/api/frame", params={"scene": scene, "t": 1.0})


def test_a_code_edit_of_a_scene_takes_the_spare_and_draws_the_new_code(site) -> None:
    assert frame(site).status_code == 200
    [listing] = wait_for_spare(site)
    imported = json.loads(listing.read_text())
    module = site.root / "scenes" / "derivatives.py"
    assert str(module) not in imported  # the scene's module: read by the lesson
    original = module.read_text()
    construct = "    def construct(self) -> None:\n"
    failing = construct + "        raise ValueError('spare test: the new code')\n"
    with edited_code(site, module, original.replace(construct, failing)):
        assert alive(listing)  # taken: the spare is the generation now
        assert error_of(frame(site)) == (422, "spare test: the new code")
    assert frame(site).status_code == 200


def test_a_code_edit_of_a_file_the_spare_imported_is_not_drawn_by_it(site) -> None:
    [listing] = wait_for_spare(site)
    base = site.root / "scenes" / "base.py"
    assert str(base) in json.loads(listing.read_text())
    original = base.read_text()
    # Every scene run fails on the new code; the spare's old base would not.
    edited = original + (
        "\n\ndef _fail(self, preview=False):\n"
        "    raise ValueError('spare test: base edited')\n\n\n"
        "LessonScene.render = _fail\n"
    )
    with edited_code(site, base, edited):
        assert not alive(listing)  # ended, not taken
        assert error_of(frame(site)) == (422, "spare test: base edited")
    assert frame(site).status_code == 200


@contextlib.contextmanager
def edited_code(site, path: Path, text: str) -> Iterator[None]:
    """``path`` holding ``text`` (saved as an editor saves it), its own text again after."""
    original = path.read_text()
    code_edit(site, path, text)
    try:
        yield
    finally:
        code_edit(site, path, original)


def error_of(answer) -> tuple[int, str]:
    """A frame's refusal: its status and its one-line error."""
    return answer.status_code, answer.json()["error"]
