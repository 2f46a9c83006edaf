"""Hand each student a variant: ``mathvid variants assign ROSTER.csv [--out DIR]
[--as html|scorm]``.

A student's variant is ``HMAC-SHA256(key = the lesson's seed, student id)`` as an
integer, modulo the pool's size (:func:`variant_of`): it depends on that student's
id alone, so a roster that grows (or is reordered) moves nobody, and without the
seed a student cannot work out a classmate's variant from the ids. ::

    DIR/<student>.html      the variant's single-file player (or <student>.zip, its
                            SCORM package), named by a safe form of the id
    DIR/teacher.csv         student, variant, its file and marking numbers
    DIR/teacher.md          the same as a table, with each variant's numbers

The folder is built beside ``DIR`` and swapped in whole. Each variant must have
been rendered (``mathvid render --variants``): its files are made from those renders,
at the best quality every variant handed out has.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import hmac
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from lesson.errors import LessonError
from mathvid.media import temporary_folder, write_text
from mathvid.run.render import replace_folder
from mathvid.variants.marking import teacher_csv, teacher_md
from mathvid.variants.render import check_ours, link_or_copy

if TYPE_CHECKING:
    from lesson.file import Lesson
    from mathvid.run.render import Rendered

ID_COLUMNS = ("id", "student", "student_id", "student id", "studentid", "username")
"""The header names (any case) that a roster's column of student ids may have."""
HANDOUT = ".mathvid-handout"
"""The mark of a folder ``assign`` wrote (replaced whole on the next run)."""


def variant_of(student: str, seed: int, count: int) -> int:
    """The index of ``student``'s variant in a pool of ``count`` drawn with ``seed``.

    >>> variant_of("s1001", 7, 20), variant_of("s1001", 7, 20), variant_of("s1001", 9, 20)
    (16, 16, 14)
    """
    digest = hmac.new(str(seed).encode(), student.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") % count


def safe_name(student: str) -> str:
    """A file name for ``student``'s files: the id itself when it is only letters,
    digits, ``-`` and ``_``; else those kept (at most 48) and 8 hex digits of the
    id's hash, so that two ids never share a name.

    >>> safe_name("s1001"), safe_name("ann.lee@uni.edu"), safe_name("../..")
    ('s1001', 'ann_lee_uni_edu-27c51fd4', 'student-0cfd1c96')
    """
    kept = re.sub(r"[^A-Za-z0-9_-]+", "_", student).strip("_")[:48]
    if kept == student:
        return kept
    return f"{kept or 'student'}-{hashlib.sha256(student.encode()).hexdigest()[:8]}"


def read_roster(path: Path) -> list[str]:
    """The student ids of the CSV file at ``path``, in its order: the column whose
    header is one of :data:`ID_COLUMNS`; LessonError in one line, saying what to
    do, when the file is missing, has no such column, or an id is empty or twice."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's byte-order mark
    except FileNotFoundError:
        raise LessonError(f"{path}: no such roster file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LessonError(
            f"{path}: cannot read the roster ({err}); save it as UTF-8 CSV"
        ) from None
    rows = list(csv.reader(text.splitlines()))
    header = [name.strip().casefold() for name in rows[0]] if rows else []
    column = next((header.index(n) for n in ID_COLUMNS if n in header), None)
    if column is None:
        raise LessonError(
            f"{path}: no id column; name one in the first row: {', '.join(ID_COLUMNS)}"
        )
    students: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        student = row[column].strip() if column < len(row) else ""
        if not student:
            raise LessonError(f"{path}:{line}: no student id; fill it in or remove the row")
        if student in students:
            raise LessonError(
                f"{path}:{line}: {student!r} again (first on line {students[student]}); "
                "each student once"
            )
        students[student] = line
    if not students:
        raise LessonError(f"{path}: no students under its header row")
    return list(students)


def assign(args: argparse.Namespace) -> int:
    """``mathvid variants assign``: the students of ``args.roster`` each given a
    variant, their files and the teacher's table in ``args.out``."""
    from lesson.file import load_lesson
    from mathvid.media import lesson_media
    from mathvid.variants.render import pool_lessons, variant_media

    lesson = load_lesson(args.lesson)
    students = read_roster(Path(args.roster))
    pool, lessons = pool_lessons(lesson)
    chosen = {
        s: pool.variants[variant_of(s, pool.seed, len(pool.variants))] for s in students
    }
    names = _names(students)
    used = {v.id: v for v in chosen.values()}
    media = lesson_media(args.media, lesson.path)
    renders = {
        vid: rendered_variant(drawn, variant_media(media, vid))
        for vid, drawn in lessons
        if vid in used
    }
    _check_rendered(renders, lesson.path)
    out = Path(args.out or lesson.path.parent / "variants" / "handout")
    suffix = ".zip" if args.kind == "scorm" else ".html"
    rows = [(s, chosen[s], names[s] + suffix) for s in students]
    built = dict(lessons)
    with _handout(out) as work:
        made = {
            vid: _variant_file(
                built[vid], renders[vid][1], work / ".build" / vid, args.kind
            )
            for vid in used
        }
        for _, variant, name in rows:
            link_or_copy(made[variant.id], work / name)
        shutil.rmtree(work / ".build")
        write_text(work / "teacher.csv", teacher_csv(rows))
        write_text(work / "teacher.md", teacher_md(lesson.title, rows))
    print(
        f"{len(students)} students, {len(used)} of {len(pool.variants)} variants "
        f"({renders[next(iter(used))][0]}): {out}/, the table in {out / 'teacher.md'}"
    )
    return 0


def _names(students: list[str]) -> dict[str, str]:
    """Each student's safe file name; LessonError if two would be the same file
    where letters' case does not count (macOS, Windows)."""
    names, seen = {}, {}
    for student in students:
        names[student] = safe_name(student)
        other = seen.setdefault(names[student].casefold(), student)
        if other != student:
            raise LessonError(
                f"students {other!r} and {student!r} would share the file name "
                f"{names[student]!r}; give one another id"
            )
    return names


def rendered_variant(drawn: Lesson, vmedia: Path) -> tuple[str, list[Rendered]] | None:
    """The best quality (and its renders) at which every scene of ``drawn`` is
    current in ``vmedia``, narrated as the lesson says or silent; None if none is."""
    from mathvid.run.render import QUALITIES, Rendered, inputs_key, is_current
    from mathvid.run.render import scene_folder as folder_of
    from mathvid.variants.render import lesson_jobs

    ids = [e.id for e in drawn.scenes]
    for quality in reversed(QUALITIES):
        for voice in (True, False):
            jobs = lesson_jobs(drawn, ids, quality, voice)
            folders = [folder_of(vmedia.resolve(), j.id, quality, j.theme) for j in jobs]
            if all(
                is_current(f, inputs_key(j)) for f, j in zip(folders, jobs, strict=True)
            ):
                return quality, [
                    Rendered(j.id, f, skipped=True, suffix=j.suffix)
                    for f, j in zip(folders, jobs, strict=True)
                ]
    return None


def _check_rendered(renders: dict[str, tuple | None], lesson_path: Path) -> None:
    """LessonError naming the variants handed out that are not rendered, and what
    to run; or if they are rendered at different qualities."""
    missing = [vid for vid, found in renders.items() if found is None]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise LessonError(
            f"variant {', '.join(missing[:3])}{more} not rendered yet: run "
            f"`mathvid render --variants --lesson {lesson_path}` first"
        )
    qualities = {found[0] for found in renders.values() if found}
    if len(qualities) > 1:
        raise LessonError(
            f"the variants are rendered at different qualities "
            f"({', '.join(sorted(qualities))}); run `mathvid render --variants -q Q` "
            "for one of them"
        )


def _variant_file(drawn: Lesson, rendered: list[Rendered], folder: Path, kind: str) -> Path:
    """The single-file player (``kind`` "html") or SCORM package of one variant."""
    from mathvid.publish.export import export_single_file
    from mathvid.publish.scorm import export_scorm

    folder.mkdir(parents=True)
    if kind == "scorm":
        return export_scorm(drawn, rendered, folder / "lesson.zip")
    return export_single_file(drawn, rendered, folder / "lesson.html")


@contextlib.contextmanager
def _handout(out: Path) -> Iterator[Path]:
    """A folder to build the handout in, beside ``out``, swapped in for ``out``
    when the block ends without error; LessonError first if ``out`` holds anything
    but an earlier handout."""
    out = check_ours(out, HANDOUT, "a handout of `mathvid variants assign` (--out DIR)")
    out = out.resolve()
    # Named with this process: the next run removes it if this one is killed.
    with temporary_folder(f".{out.name}.", out.parent) as work:
        yield work
        write_text(work / HANDOUT, "made by mathvid variants assign; replaced whole\n")
        work.chmod(0o755)  # readable as any folder the teacher makes, not private
        replace_folder(work, out)
