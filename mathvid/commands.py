"""What each ``mathvid`` command does, once :mod:`mathvid.cli` has read its command
line: a function per command, taking the parsed arguments and giving the exit
status. Each imports what it needs when it runs: `mathvid preview` must start fast
(it asks the warm preview daemon first, :mod:`mathvid.run.preview_client`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lesson.errors import LessonError
from mathvid.media import lesson_media
from mathvid.run.manim_setup import has_alpha

if TYPE_CHECKING:
    from lesson.file import Lesson
    from mathvid.run.render import Rendered


def list_scenes(args: argparse.Namespace) -> int:
    from lesson.file import load_lesson
    from mathvid.lengths import ESTIMATED, lesson_lengths

    lesson = load_lesson(args.lesson)
    media = lesson_media(args.media, lesson.path)
    print(f"{lesson.title}  (outputs in {media}/)")
    estimated = False
    for entry, lengths in zip(lesson.scenes, lesson_lengths(lesson, media), strict=True):
        manifest, mark = lengths.manifest, lengths.mark
        estimated |= bool(mark())
        duration = f"{mark()}{manifest.duration:.1f} s"
        print(f"\n{entry.id}  {entry.title}  ({duration}, {entry.scene})")
        spans = manifest.spans()
        for i, (step, (start, end)) in enumerate(zip(manifest.steps, spans, strict=True)):
            length = f"{mark(i)}{end - start:.1f}"
            print(f"  {i + 1:2d}. {step.name:<36} {length:>5} s")
    if estimated:
        print(f"\n≈: {ESTIMATED}")
    return 0


def check(args: argparse.Namespace) -> int:
    from mathvid.check import check_lesson, summary

    problems = check_lesson(args.lesson, args.media)
    print("\n".join([*(p.line for p in problems), summary(args.lesson, problems)]))
    return 1 if any(p.error for p in problems) else 0


def _themed_lesson(args: argparse.Namespace) -> Lesson:
    """The lesson file ``args`` name, in the theme ``--theme`` chooses (if it does)."""
    from lesson.file import load_lesson

    lesson = load_lesson(args.lesson)
    return dataclasses.replace(lesson, theme=args.theme) if args.theme else lesson


def _opaque(lesson: Lesson, command: str) -> None:
    """LessonError unless ``lesson``'s theme draws a background, as ``command``'s
    outputs need (a page, a deck, a joined video are seen as they are)."""
    if has_alpha(lesson.theme):
        raise LessonError(
            f"{command}: the transparent theme is for compositing: render its clips "
            "with `mathvid render --theme transparent`; choose dark or light here"
        )


def render(args: argparse.Namespace) -> int:
    lesson = _themed_lesson(args)
    if args.variants:
        from mathvid.variants import outputs

        return outputs.render(lesson, args)
    entries = [lesson.entry(i) for i in args.ids] if args.ids else list(lesson.scenes)
    rendered = _render_entries(lesson, [e.id for e in entries], args)
    for r in rendered:
        print(f"{r.id}: {r.video}")
    return 0 if len(rendered) == len(entries) else 1


def _render_entries(
    lesson: Lesson, ids: list[str], args: argparse.Namespace
) -> list[Rendered]:
    """Render scenes ``ids`` with one progress display; report failures, keep the rest."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mathvid.check import before_rendering
    from mathvid.run.parallel import render_many
    from mathvid.run.render import Job, check_latex
    from mathvid.sound.voice import narration_of

    check_latex()
    voice = not args.no_voice
    before_rendering(lesson, ids, voice)
    jobs = [
        Job(
            e.id,
            e.scene,
            e.params,
            args.quality,
            narration_of(lesson, e, voice),
            lesson.theme,
        )
        for e in lesson.scenes
        if e.id in ids
    ]
    failures: list[str] = []
    with Progress(
        TextColumn("[bold]rendering"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=False,
    ) as progress:
        task = progress.add_task("", total=len(jobs))

        def done(scene_id: str, rendered: Rendered | None, error: str | None) -> None:
            if error:
                failures.append(f"mathvid: {scene_id}: {error}")
                note = "failed"
            else:
                note = "unchanged" if rendered.skipped else f"{rendered.seconds:.1f} s"
            progress.update(task, advance=1, description=f"{scene_id} {note}")

        media = lesson_media(args.media, lesson.path)
        rendered, _ = render_many(jobs, media, args.jobs, done, args.scheduler)
    for line in failures:
        print(line, file=sys.stderr)
    return rendered


def preview(args: argparse.Namespace) -> int:
    from mathvid.run.preview_client import ask

    # Drawn by the warm daemon when one answers; here, as before, when none does.
    moment = (args.at, args.step)
    if not args.watch and (png := ask(args.lesson, args.id, args.media, *moment)):
        print(png)
        return 0
    from mathvid.run.preview import check_moment, preview, watch

    if args.watch:
        check_moment(args.at, args.step)  # a mistake is said once, not after every save
        return watch(args.lesson, args.id, args.media, args.at, args.step)
    print(preview(args.lesson, args.id, args.media, args.at, args.step))
    return 0


def lesson(args: argparse.Namespace) -> int:
    from mathvid.publish import video_site
    from mathvid.publish.assemble import assemble
    from mathvid.run.render import quality_folder

    lesson = _themed_lesson(args)
    _opaque(lesson, "lesson")
    if args.variants:
        from mathvid.variants import outputs

        return outputs.lesson_videos(lesson, args)
    rendered = _render_all(lesson, [e.id for e in lesson.scenes], args, "the lesson video")
    if rendered is None:
        return 1
    start = time.perf_counter()
    titles = [e.title for e in lesson.scenes]
    out = lesson_media(args.media, lesson.path) / "lesson"
    out /= quality_folder(args.quality, lesson.theme)
    words = {e.id: dict(e.narration) for e in lesson.scenes}
    files = assemble(
        list(zip(titles, rendered, strict=True)),
        out,
        title=lesson.title,
        overrides=words,
        transcript_url=lesson.transcript_url,
    )

    print(
        f"lesson: {files.video}  ({len(files.chapters)} chapters, "
        f"{files.chapters[-1].end:.0f} s, joined in {time.perf_counter() - start:.1f} s)"
    )
    print(f"captions: {files.vtt}, {files.srt}")
    print(f"transcript: {files.transcript} (and .txt)")
    print(f"posters: {files.posters[0].parent}/")
    print(f"for a video site: {files.site_chapters}, {files.description}")
    for line in video_site.notes(files.chapters, lesson.transcript_url):
        print(f"  {line}")
    return 0


def _render_all(
    lesson: Lesson, ids: list[str], args: argparse.Namespace, needed_by: str
) -> list[Rendered] | None:
    """The scenes ``ids`` rendered, in the lesson's order; None (after saying why)
    if any failed."""
    rendered = _render_entries(lesson, ids, args)
    if len(rendered) != len(set(ids)):
        print(
            f"mathvid: {needed_by} needs every scene it has; fix the ones above",
            file=sys.stderr,
        )
        return None
    return rendered


def export(args: argparse.Namespace) -> int:
    from mathvid.publish.deck import export_deck
    from mathvid.publish.export import export, export_single_file
    from mathvid.publish.scorm import check_package, export_scorm

    lesson = _themed_lesson(args)
    _opaque(lesson, "export")
    if args.variants:
        from mathvid.variants import outputs

        return outputs.export(lesson, args)
    targets = list(args.targets)
    if args.scorm and (args.single_file or args.pptx):
        raise ValueError(
            "export: --scorm makes a package alone; leave out --single-file and --pptx"
        )
    if args.scorm:
        check_package(args.scorm)  # before rendering
    one_file = args.single_file or args.pptx or args.scorm
    if not one_file and not targets:
        raise ValueError(
            "export: give the bundle's folder (OUTDIR), --single-file, --pptx or --scorm"
        )
    outdir = None if one_file else Path(targets.pop(0))
    ids = [lesson.entry(i).id for i in targets] or [e.id for e in lesson.scenes]
    rendered = _render_all(lesson, ids, args, "the bundle")
    if rendered is None:
        return 1
    if args.single_file:
        print(f"lecture: {export_single_file(lesson, rendered, args.single_file)}")
    if args.pptx:
        print(f"deck: {export_deck(lesson, rendered, args.pptx)}")
    formats = tuple(kind for kind in ("gif", "webm") if getattr(args, kind))
    if args.scorm:
        print(f"package: {export_scorm(lesson, rendered, args.scorm, formats)}")
    if one_file:
        return 0
    page = export(lesson, rendered, outdir, formats)
    print(f"lecture: {page}")
    return 0


def script(args: argparse.Namespace) -> int:
    from lesson.file import load_lesson
    from mathvid.publish.script import save, script

    lesson = load_lesson(args.lesson)
    ids = args.ids or [e.id for e in lesson.scenes]
    text, steps, recorded = script(lesson, lesson_media(args.media, lesson.path), ids)
    path = save(lesson, text)
    print(f"script: {path}  ({recorded} of {steps} steps recorded)")
    return 0


def studio(args: argparse.Namespace) -> int:
    from lesson.file import load_lesson
    from mathvid.check import before_rendering
    from mathvid.studio.server import serve

    before_rendering(load_lesson(args.lesson), None, voice=True)
    serve(
        args.lesson, args.media, args.port, lambda url: print(f"studio: {url}", flush=True)
    )
    return 0


def variants(args: argparse.Namespace) -> int:
    """``mathvid variants [LESSON] --count N``: build the lesson's pool; ``mathvid
    variants assign ROSTER.csv``: hand its variants out."""
    from lesson.file import load_lesson
    from mathvid.variants.summary import lesson_argument, make_pool, whole_number

    if args.words[:1] == ["assign"]:
        if len(args.words) != 2:
            raise LessonError("variants assign: name one roster file: assign ROSTER.csv")
        from mathvid.variants.assign import assign

        args.roster = Path(args.words[1])
        return assign(args)
    count = whole_number(args.count, "--count")
    jobs = None if args.jobs is None else whole_number(args.jobs, "--jobs")
    lesson = load_lesson(lesson_argument(args.words, args.lesson))
    return make_pool(lesson, count, jobs)


def scenes(args: argparse.Namespace) -> int:
    from mathvid.params_doc import format_scene, scene_docs

    print("\n\n".join(format_scene(doc) for doc in scene_docs()))
    return 0
