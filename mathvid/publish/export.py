"""A lecture bundle: one clip per step and a page that plays them one click at a time.

::

    OUTDIR/index.html                       the player: open it from a USB stick
    OUTDIR/presenter.html                   the presenter's view (P in the player)
    OUTDIR/clips/<scene>/NN-<step>.mp4      one clip per step (and .gif, .webm if asked)
    OUTDIR/clips/<scene>/NN-<step>.embed.html   the clip alone, for an <iframe>
    OUTDIR/posters/<scene>.png              one picture per scene
    OUTDIR/posters/<scene>/NN-<step>.png    one per step: its finished picture
    OUTDIR/clips/<scene>/descriptions.vtt   what each step shows, in words (WebVTT)
    OUTDIR/explore/<scene>.js               the runs a viewer explores (publish.explore)

The pages carry their data (titles, clips, captions, notes) inline, because a page
opened from ``file://`` may not fetch files or load caption tracks; they load only
clips, posters and explore files (by a ``<script>``), by relative path. The
presenter's view and the player talk over a ``BroadcastChannel`` named for the
bundle (it works between ``file://`` pages). The bundle is built beside ``OUTDIR``
and swapped in whole.
"""

from __future__ import annotations

import base64
import glob
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import jinja2
import srt

from lesson import themes
from lesson.errors import LessonError
from lesson.file import Lesson
from lesson.words.said import slug
from mathvid.media import (
    check_target,
    remove_left_behind,
    tag,
    temporary_folder,
    write_text,
)
from mathvid.publish import explore
from mathvid.publish.assemble import poster_frame
from mathvid.publish.clips import CONVERTERS
from mathvid.publish.descriptions import descriptions, descriptions_vtt
from mathvid.publish.inline import inline_json
from mathvid.publish.transcript import words
from mathvid.publish.vtt import from_srt
from mathvid.run.render import Rendered, replace_folder

MARKER = ".mathvid-bundle"
TOUCHING = 0.01
"""Seconds of overlap below which a caption only touches a step (rounding)."""
PLAYER = Path(__file__).with_name("player.html")
PRESENTER = Path(__file__).with_name("presenter.html")
EMBED = Path(__file__).with_name("embed.html")


def export(
    lesson: Lesson,
    rendered: list[Rendered],
    outdir: Path,
    formats: tuple[str, ...] = (),
    scorm: bool = False,
) -> Path:
    """Write the bundle of the ``rendered`` scenes of ``lesson`` (in the lesson's
    order) to ``outdir``; each clip also as each of ``formats`` ("gif", "webm");
    with ``scorm``, its player reports to a learning platform (publish.scorm)."""
    outdir = check_target(outdir).resolve()  # the link itself, before it is resolved
    if outdir.exists() and not (outdir / MARKER).exists():
        if not outdir.is_dir() or any(outdir.iterdir()):
            raise LessonError(
                f"{outdir}: exists and is not a mathvid bundle; give a new or empty folder"
            )
    # Named with this process: the next export removes it if this one is killed.
    remove_left_behind(outdir.parent, f".{glob.escape(outdir.name)}.*.tmp")
    work = outdir.with_name(f".{outdir.name}.{tag()}.tmp")
    try:
        work.mkdir(parents=True)
        data = bundle_data(lesson, rendered, work, formats)
        add_explore(data, rendered, work)
        data["channel"] = f"mathvid-{uuid.uuid4().hex}"  # this bundle's pages only
        for name, template in (("index.html", PLAYER), ("presenter.html", PRESENTER)):
            html = page(lesson.title, data, template, lesson.theme, scorm)
            (work / name).write_text(html, encoding="utf-8")
        (work / MARKER).write_text("made by mathvid export; replaced on the next export\n")
        replace_folder(work, outdir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outdir / "index.html"


def export_single_file(lesson: Lesson, rendered: list[Rendered], out: Path) -> Path:
    """The player with every clip, poster and caption inside it, as one HTML file at
    ``out``, for learning platforms that take one file (no presenter's view: it
    would be a second file)."""
    out = check_target(out).resolve()  # the link itself, before it is resolved
    if out.suffix.lower() not in (".html", ".htm"):
        raise LessonError(f"{out}: --single-file writes an .html file")
    with temporary_folder("mathvid-single-") as work:
        data = bundle_data(lesson, rendered, work)
        add_explore(data, rendered, work)
        for scene in data["scenes"]:
            scene["poster"] = _inline(work / scene["poster"], "image/png")
            if "explore" in scene:
                src = work / scene["explore"]["src"]
                scene["explore"]["src"] = _inline(src, "text/javascript")
            for step in scene["steps"]:
                step["clip"] = _inline(work / step["clip"], "video/mp4")
                step["poster"] = _inline(work / step["poster"], "image/png")
        data["single"] = True
        write_text(out, page(lesson.title, data, theme=lesson.theme))
    return out


def _inline(path: Path, kind: str) -> str:
    """The file at ``path`` as a data: URL."""
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def page(
    title: str,
    data: dict[str, Any],
    template: Path = PLAYER,
    theme: str = themes.DEFAULT.name,
    scorm: bool = False,
) -> str:
    """A page of the bundle (the player unless ``template`` says otherwise):
    ``title`` HTML-escaped by Jinja2, ``data`` as inline JSON, in the colours of
    ``theme`` (``palette``: :data:`lesson.themes.THEMES`); with ``scorm``, the
    player's SCORM script (``scorm.js``) in it.

    Text in the data never ends the script nor opens a comment: ``<``, ``>`` and
    ``&`` are written as JSON escapes, as are U+2028 and U+2029.

    >>> html = page("a <b>", {"title": "<!--<script>"})
    >>> "<title>a &lt;b&gt;</title>" in html, "<!--<script>" in html
    (True, False)
    """
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PLAYER.parent),  # the pages' shared parts
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.from_string(template.read_text(encoding="utf-8"))
    return template.render(
        title=title, data=inline_json(data), palette=themes.THEMES[theme], scorm=scorm
    )


def bundle_data(
    lesson: Lesson, rendered: list[Rendered], work: Path, formats: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Copy the scenes' clips (and ``formats`` of them) and posters into ``work``;
    the lesson's data as the pages carry it (paths relative to ``work``)."""
    scenes = []
    for scene in rendered:
        entry = lesson.entry(scene.id)
        cues = from_srt(scene.captions.read_text(encoding="utf-8"))
        manifest = scene.manifest()
        # Captions are timed in scene time, clips in frames (each animation rounds up
        # to whole frames): place cues by the step's start in scene time, no drift.
        starts = [step.start for step in manifest.steps]
        (work / "clips" / entry.id).mkdir(parents=True)
        told = descriptions(manifest)
        (work / "clips" / entry.id / "descriptions.vtt").write_text(
            descriptions_vtt(manifest), encoding="utf-8"
        )
        steps = []
        sections = scene.sections()
        for n, (section, start) in enumerate(zip(sections, starts, strict=True)):
            name = f"{entry.id}/{n + 1:02d}-{slug(section.name)}"
            clip = f"clips/{name}.mp4"
            shutil.copyfile(section.clip, work / clip)
            # The step's finished picture: the next step's first frame, or the end.
            after = sections[n + 1].clip if n + 1 < len(sections) else None
            poster = work / "posters" / f"{name}.png"
            poster_frame(after or section.clip, poster, first=after is not None)
            for kind in formats:
                CONVERTERS[kind](work / clip, (work / clip).with_suffix(f".{kind}"))
            steps.append(
                {
                    "name": section.name,
                    "clip": clip,
                    "duration": section.duration,
                    "cues": _cues_within(cues, start, section.duration),
                    "poster": str(poster.relative_to(work)),
                    "notes": words(manifest.steps[n]),
                    "description": told[n],
                }
            )
            _embed(lesson, f"{entry.title}: {section.name}", steps[-1], work)
        poster = poster_frame(scene.video, work / "posters" / f"{entry.id}.png")
        scenes.append(
            {
                "id": entry.id,
                "title": entry.title,
                "poster": str(poster.relative_to(work)),
                "steps": steps,
            }
        )
    return {"title": lesson.title, "scenes": scenes}


def _embed(lesson: Lesson, title: str, step: dict[str, Any], work: Path) -> None:
    """The page beside ``step``'s clip that plays it alone (:data:`EMBED`), its
    paths relative to it, so that the clip's folder works wherever it is put."""
    clip = work / step["clip"]
    data = {
        "title": title,
        "clip": clip.name,
        "poster": os.path.relpath(work / step["poster"], clip.parent),
        **{key: step[key] for key in ("duration", "cues", "description")},
    }
    html = page(title, data, EMBED, lesson.theme)
    clip.with_suffix(".embed.html").write_text(html, encoding="utf-8")


def add_explore(data: dict[str, Any], rendered: list[Rendered], work: Path) -> None:
    """Write into ``work`` the runs a viewer may explore on the scenes that offer
    them (their manifest's ``explore``), and say in ``data`` on which steps and
    where (:func:`mathvid.publish.explore.write`)."""
    for scene, done in zip(data["scenes"], rendered, strict=True):
        offered = done.manifest().explore
        if offered is not None:
            scene["explore"] = explore.write(scene["id"], offered, work)


def _cues_within(cues: list[srt.Subtitle], start: float, duration: float) -> list[dict]:
    """The captions shown during [start, start + duration), in the clip's own time;
    not those that only touch it (captions are timed to the millisecond, steps to the
    frame, so the next step's first cue may overlap a step by a fraction of a frame).

    >>> from datetime import timedelta as s
    >>> cues = [srt.Subtitle(1, s(0), s(seconds=1.533), "a"),
    ...         srt.Subtitle(2, s(seconds=1.533), s(3), "b")]
    >>> [c["text"] for c in _cues_within(cues, 0.0, 1.5333)]
    ['a']
    >>> _cues_within(cues, 1.5329999999999995, 2.0)[0]["start"]
    0.0
    """
    out = []
    for cue in cues:
        a, b = cue.start.total_seconds() - start, cue.end.total_seconds() - start
        if min(b, duration) - max(a, 0.0) > TOUCHING:
            # To the millisecond, as captions are timed: a cue starting with its step
            # starts at 0, not 4e-16 (the player would show nothing at 0).
            a, b = round(max(a, 0.0), 3), round(min(b, duration), 3)
            out.append({"start": a, "end": b, "text": cue.content})
    return out
