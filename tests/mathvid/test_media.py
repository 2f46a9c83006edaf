"""Each lesson file's outputs in a folder of ``media/`` of its own."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mathvid.media import OWNER, lesson_media


def lesson(folder: Path, name: str = "lesson") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text('title = "t"\n')
    return path


def hashed(path: Path) -> str:
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def test_a_lesson_file_gets_its_name_and_keeps_it(tmp_path: Path) -> None:
    media, first = tmp_path / "media", lesson(tmp_path / "a")
    folder = lesson_media(media, first)
    assert folder == media / "lesson"
    assert (folder / OWNER).read_text() == f"{first.resolve()}\n"
    assert lesson_media(media, first) == folder  # the next command finds it again
    assert lesson_media(media, lesson(tmp_path / "a", "other")) == media / "other"


def test_a_second_file_of_the_same_name_gets_its_own_folder(tmp_path: Path) -> None:
    media = tmp_path / "media"
    first, second = lesson(tmp_path / "a"), lesson(tmp_path / "b")
    assert lesson_media(media, first) == media / "lesson"
    assert lesson_media(media, second) == media / hashed(second)
    # Whichever asks first, each keeps its folder.
    assert lesson_media(media, first) == media / "lesson"
    assert lesson_media(media, second) == media / hashed(second)
    assert hashed(first) != hashed(second)


def test_a_folder_whose_lesson_file_is_gone_is_taken_over(tmp_path: Path) -> None:
    media, old = tmp_path / "media", lesson(tmp_path / "old")
    (lesson_media(media, old) / "scenes").mkdir()
    old.unlink()  # moved or renamed
    new = lesson(tmp_path / "new")
    assert lesson_media(media, new) == media / "lesson"
    assert (media / "lesson" / "scenes").is_dir()  # renders and all
    assert (media / "lesson" / OWNER).read_text() == f"{new.resolve()}\n"


def test_folders_not_made_for_a_lesson_are_left_alone(tmp_path: Path) -> None:
    media = tmp_path / "media"
    (media / "notes").mkdir(parents=True)
    (media / "notes" / "todo.txt").write_text("mine")
    notes = lesson(tmp_path, "notes")
    assert lesson_media(media, notes) == media / hashed(notes)
    assert sorted(p.name for p in (media / "notes").iterdir()) == ["todo.txt"]
    # The formula caches are never a lesson's, even before they exist.
    tex = lesson(tmp_path, "Tex")
    assert lesson_media(media, tex) == media / hashed(tex)
    assert not (media / "Tex").exists()
