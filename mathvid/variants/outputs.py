"""The ``--variants`` forms of ``mathvid render``, ``lesson`` and ``export``: what
each does for every variant of the lesson's pool (:mod:`mathvid.variants.render`).

- ``render --variants [ID ...]``: the scenes of every variant, in
  ``media/<lesson>/variants/<id>/scenes/``;
- ``lesson --variants``: every variant's lesson video, in
  ``media/<lesson>/variants/<id>/lesson/<quality>/``;
- ``export --variants OUTDIR [ID ...]``: every variant's lecture bundle, in
  ``OUTDIR/<id>/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lesson.errors import LessonError
from mathvid.media import lesson_media, write_text
from mathvid.variants.render import (
    check_ours,
    check_words,
    lesson_jobs,
    pool_lessons,
    render_pool,
    variant_media,
)

if TYPE_CHECKING:
    from lesson.file import Lesson
    from mathvid.run.render import Rendered

BUNDLES = ".mathvid-variants"
"""The mark of a folder ``export --variants`` wrote (one bundle per variant)."""


def rendered_pool(
    lesson: Lesson, ids: list[str], args: argparse.Namespace
) -> tuple[list[tuple[str, Lesson, list[Rendered]]], int]:
    """Every variant of ``lesson``'s pool with its scenes ``ids`` rendered (one
    progress display for all), and how many (variant, scene) renders failed, each
    said on stderr."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mathvid.check import before_rendering
    from mathvid.run.render import check_latex

    check_latex()
    voice = not args.no_voice
    before_rendering(lesson, ids, voice)
    pool, lessons = pool_lessons(lesson)
    check_words(lesson, pool, voice)
    jobs = {vid: lesson_jobs(drawn, ids, args.quality, voice) for vid, drawn in lessons}
    media = lesson_media(args.media, lesson.path)
    with Progress(
        TextColumn("[bold]rendering variants"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    ) as progress:
        task = progress.add_task("", total=sum(map(len, jobs.values())))

        def done(name: str, note: str) -> None:
            progress.update(task, advance=1, description=f"{name} {note}")

        outputs, errors = render_pool(media, jobs, args.jobs, done, args.scheduler)
    for name, error in errors.items():
        print(f"mathvid: {name}: {error}", file=sys.stderr)
    return [(vid, drawn, outputs[vid]) for vid, drawn in lessons], len(errors)


def render(lesson: Lesson, args: argparse.Namespace) -> int:
    """``mathvid render --variants [ID ...]``."""
    ids = [lesson.entry(i).id for i in args.ids] or [e.id for e in lesson.scenes]
    pool, failed = rendered_pool(lesson, ids, args)
    media = lesson_media(args.media, lesson.path)
    for vid, _, rendered in pool:
        print(f"{vid}: {variant_media(media, vid)}/  ({len(rendered)} scenes)")
    return 1 if failed else 0


def _complete(
    lesson: Lesson, ids: list[str], args: argparse.Namespace, needed_by: str
) -> list[tuple[str, Lesson, list[Rendered]]] | None:
    """Every variant with all of ``ids`` rendered; None (after saying why) if any failed."""
    pool, failed = rendered_pool(lesson, ids, args)
    if failed:
        print(
            f"mathvid: {needed_by} needs every scene of every variant; fix the ones above",
            file=sys.stderr,
        )
        return None
    return pool


def lesson_videos(lesson: Lesson, args: argparse.Namespace) -> int:
    """``mathvid lesson --variants``: each variant's lesson video, captions, posters."""
    from mathvid.publish.assemble import assemble
    from mathvid.run.render import quality_folder

    pool = _complete(lesson, [e.id for e in lesson.scenes], args, "a lesson video")
    if pool is None:
        return 1
    media = lesson_media(args.media, lesson.path)
    for vid, drawn, rendered in pool:
        out = variant_media(media, vid) / "lesson"
        out /= quality_folder(args.quality, drawn.theme)
        files = assemble(
            list(zip([e.title for e in drawn.scenes], rendered, strict=True)),
            out,
            title=drawn.title,
            overrides={e.id: dict(e.narration) for e in drawn.scenes},
            transcript_url=drawn.transcript_url,
        )
        print(f"{vid}: {files.video}  ({files.chapters[-1].end:.0f} s)")
    return 0


def export(lesson: Lesson, args: argparse.Namespace) -> int:
    """``mathvid export --variants OUTDIR [ID ...]``: a bundle per variant in
    ``OUTDIR/<id>/``."""
    from mathvid.publish.export import export as export_bundle

    if args.single_file or args.pptx or args.scorm:
        raise LessonError(
            "export --variants writes a bundle per variant into OUTDIR; for a file "
            "per student, use `mathvid variants assign ROSTER.csv`"
        )
    if not args.targets:
        raise LessonError("export --variants: give the folder of the bundles (OUTDIR)")
    outdir, *names = args.targets
    outdir = bundles_folder(Path(outdir))
    ids = [lesson.entry(i).id for i in names] or [e.id for e in lesson.scenes]
    pool = _complete(lesson, ids, args, "the bundles")
    if pool is None:
        return 1
    formats = tuple(kind for kind in ("gif", "webm") if getattr(args, kind))
    for vid, drawn, rendered in pool:
        print(f"{vid}: {export_bundle(drawn, rendered, outdir / vid, formats)}")
    return 0


def bundles_folder(outdir: Path) -> Path:
    """``outdir``, made and marked as ``export --variants``'s, if it is new, empty
    or already its own; LessonError in one line if it holds anything else."""
    outdir = check_ours(outdir, BUNDLES, "a folder of variant bundles")
    outdir.mkdir(parents=True, exist_ok=True)
    marker = "made by mathvid export --variants: a bundle per variant\n"
    write_text(outdir / BUNDLES, marker)
    return outdir
