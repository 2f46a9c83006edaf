"""The ``mathvid`` command line: list, check, render, preview, lesson, export, script,
studio, variants, scenes, each read by :mod:`argparse` and run by its function in
:mod:`mathvid.commands`.

Every failure a user can cause or meet (a bad lesson file, a missing LaTeX, a scene
that raises) ends in one line on stderr and exit status 1; outputs already on disk
stay as they were.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

# Only light modules here: `mathvid preview` asks the warm preview daemon first and
# must start fast (mathvid.run.preview_client); the rest is imported where it is used.
from lesson.themes import THEMES
from mathvid import commands

DESCRIPTION = """Animated explainer videos of calculus for deep learning.

Every command but `scenes` reads a lesson file: lesson.toml in the current folder,
or the file that --lesson FILE names (after the command: mathvid render --lesson
FILE). Its outputs go to media/<lesson>/, named after the file (--media DIR: under
DIR instead of media/)."""

EXAMPLES = """examples:
  mathvid list                          the lesson's scenes, steps and durations
  mathvid list --lesson course.toml     the same for another lesson file
  mathvid check                         the lesson's mistakes (narration keys,
                                        recordings, values), without rendering
  mathvid render                        render every scene (medium quality, all cores)
  mathvid render descent rosenbrock -q l    two scenes, fast and small (480p15)
  mathvid preview descent --at 3.5s     a PNG of the moment 3.5 s into a scene
  mathvid preview descent --step 2      the last frame of the scene's step 2
  mathvid preview descent --step "The update rule" --watch
                                        a step's last frame, again on every save
  mathvid lesson -q h                   the whole lesson: one MP4 with chapters,
                                        WebVTT/SRT captions and posters
  mathvid export -q m lecture/          a lecture bundle: a clip per step and an
                                        index.html player that works from a USB stick
  mathvid export lecture/ descent --gif --webm
                                        one scene's bundle, its clips also as GIF, WebM
  mathvid export --single-file lesson.html
                                        the player, clips and all, in one HTML file
  mathvid export --pptx lesson.pptx     a PowerPoint deck: a slide per step
  mathvid export --scorm lesson.zip     a SCORM 1.2 package for Moodle or Canvas:
                                        completion tracked, each visit resumed
  mathvid lesson --no-voice             the same, silent (voice = "none" in the file)
  mathvid script                        the narration script to record, in
                                        narration/script.md
  mathvid studio                        author in the browser: scrub, edit, see
                                        every save (prints its address)
  mathvid variants --count 20           20 checked variants of the lesson, in
                                        variants/pool.toml and variants/summary.md
  mathvid variants assign roster.csv    a variant per student, and the marking table
  mathvid scenes                        every scene class and its parameters
"""


SAID = (ValueError, OSError, RuntimeError)
"""The failures ``mathvid`` says in one line (LessonError is a ValueError, RenderError
a RuntimeError; RuntimeError also: LaTeX that failed without a log, or ran past its
time limit)."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(str(argv[0]) if argv else None).parse_args(argv)
    try:
        return args.run(args)
    except SAID as err:
        lines = str(err).strip().splitlines() or [type(err).__name__]
        print(f"mathvid: {lines[0]}", file=sys.stderr)
        return 1
    except ImportError as err:  # Manim without its system libraries
        print(
            f"mathvid: cannot load {err.name or 'a library'}: run `make setup`",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("mathvid: interrupted; finished outputs are kept", file=sys.stderr)
        return 130


@dataclass(frozen=True)
class Command:
    """One ``mathvid`` command as its ``--help`` shows it, and what runs it."""

    name: str
    run: Callable[[argparse.Namespace], int]
    help: str  # its line in ``mathvid --help``
    shares: tuple[str, ...] = ("lesson",)  # option groups of :data:`SHARED`
    arguments: Callable[[argparse.ArgumentParser], None] | None = None  # its own
    description: str | None = None
    usage: str | None = None


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, as every other ``mathvid``
    error is (argparse's own prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _parser(named: str | None = None) -> argparse.ArgumentParser:
    """``mathvid``'s command line: each of :data:`COMMANDS`, with the options it
    shares with others and its own arguments; only the command ``named``, if it is
    one (a command's arguments are read the same without the others, and the
    rendering options import the renderer)."""
    parser = _Parser(
        prog="mathvid",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = [c for c in COMMANDS if c.name == named] or COMMANDS
    shared = {name: SHARED[name]() for c in commands for name in c.shares}
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands:
        cmd = sub.add_parser(
            command.name,
            parents=[shared[name] for name in command.shares],
            help=command.help,
            description=command.description,
            usage=command.usage,
        )
        if command.arguments is not None:
            command.arguments(cmd)
        cmd.set_defaults(run=command.run)
    return parser


def _lesson_options() -> argparse.ArgumentParser:
    """The options of every command but ``scenes``: which lesson file, which
    outputs' folder."""
    lesson = argparse.ArgumentParser(add_help=False)
    lesson.add_argument(
        "--lesson",
        type=Path,
        default=Path("lesson.toml"),
        metavar="FILE",
        help="the lesson file (default: lesson.toml)",
    )
    lesson.add_argument(
        "--media",
        type=Path,
        default=Path("media"),
        metavar="DIR",
        help="the outputs' folder (default: media); this lesson's go to DIR/<lesson>/",
    )
    return lesson


def _rendering_options() -> argparse.ArgumentParser:
    """The options of the commands that render: how scenes are rendered."""
    from mathvid.run.render import QUALITIES

    rendering = argparse.ArgumentParser(add_help=False)
    rendering.add_argument(
        "-q",
        "--quality",
        choices=list(QUALITIES),
        default="m",
        help="l 480p15, m 720p30 (default), h 1080p60, k 2160p60",
    )
    rendering.add_argument("-j", "--jobs", type=int, default=None, help="parallel renders")
    rendering.add_argument(
        "--no-voice", action="store_true", help="silent videos, whatever the lesson says"
    )
    rendering.add_argument(
        "--theme",
        choices=tuple(THEMES),
        default=None,
        help="dark, light (white slides), transparent (WebM with alpha, for "
        "compositing; `render` only); default: the lesson's, else dark",
    )
    rendering.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="render on a Dask cluster, e.g. tcp://10.0.0.5:8786 (see the README)",
    )
    rendering.add_argument(
        "--variants",
        action="store_true",
        help="every variant of the lesson's pool (variants/pool.toml, made by "
        "`mathvid variants`), each into media/<lesson>/variants/<id>/",
    )
    return rendering


def _scene_ids(cmd: argparse.ArgumentParser) -> None:
    """``render ID ...``, ``script ID ...``: the scenes, all when none is given."""
    cmd.add_argument("ids", nargs="*", metavar="ID", help="scene ids (default: all)")


def _preview_arguments(cmd: argparse.ArgumentParser) -> None:
    """``preview ID [--at SECONDS | --step STEP] [--watch]``."""
    cmd.add_argument("id", metavar="ID")
    cmd.add_argument(
        "--at", metavar="SECONDS", default=None, help="a time into the scene: 3s, 3.5s"
    )
    cmd.add_argument(
        "--step",
        metavar="STEP",
        default=None,
        help="the end of a step: its number from 1, or its name",
    )
    cmd.add_argument("--watch", action="store_true", help="again whenever a file changes")


def _export_arguments(cmd: argparse.ArgumentParser) -> None:
    """``export OUTDIR [ID ...]``, or one file (``--single-file``, ``--pptx``,
    ``--scorm``) of the scenes; each clip also as GIF or WebM."""
    cmd.add_argument(
        "targets",
        nargs="*",
        metavar="OUTDIR [ID ...]",
        help="the bundle's folder, then scene ids (default: all); with --single-file, "
        "--pptx or --scorm, only scene ids",
    )
    cmd.add_argument(
        "--pptx",
        type=Path,
        metavar="FILE.pptx",
        help="a PowerPoint deck instead: a slide per step, its clip, captions, notes",
    )
    cmd.add_argument(
        "--single-file",
        type=Path,
        metavar="FILE.html",
        help="one self-contained HTML file instead of a folder (clips inside)",
    )
    cmd.add_argument(
        "--scorm",
        type=Path,
        metavar="FILE.zip",
        help="a SCORM 1.2 package for a learning platform instead: the bundle and "
        "transcript in a zip; it reports progress, time spent and completion",
    )
    for kind in ("gif", "webm"):
        cmd.add_argument(
            f"--{kind}", action="store_true", help=f"each clip also as a .{kind}"
        )


def _studio_arguments(cmd: argparse.ArgumentParser) -> None:
    """``studio [--port PORT]``."""
    cmd.add_argument(
        "--port", type=_port, default=8765, help="the port, or the next free one (8765)"
    )


def _port(text: str) -> int:
    """A TCP port from the command line: 0 (any free one) to 65535."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a port from 0 to 65535")
    return int(text)


def _variants_arguments(cmd: argparse.ArgumentParser) -> None:
    """``variants [LESSON] [--count N]``, or ``variants assign ROSTER.csv [--out DIR]
    [--as html|scorm]``."""
    cmd.add_argument(
        "words",
        nargs="*",
        metavar="LESSON | assign ROSTER.csv",
        help="the lesson file (default: --lesson's); or assign and the roster, a CSV "
        "file with a column of student ids",
    )
    # Counts are read by the command (mathvid.variants.summary.whole_number), so
    # that a wrong one is refused in one line, as any other bad input.
    cmd.add_argument("--count", default="20", help="variants in the pool (default: 20)")
    cmd.add_argument(
        "-j", "--jobs", default=None, help="parallel draws (default: all cores)"
    )
    cmd.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="assign: where the files go"
    )
    cmd.add_argument(
        "--as",
        dest="kind",
        choices=("html", "scorm"),
        default="html",
        help="assign: each student's lesson as one HTML file (default) or a SCORM zip",
    )


SHARED = {"lesson": _lesson_options, "rendering": _rendering_options}
"""The option groups several commands share, by name."""
RENDERING = ("lesson", "rendering")
"""The option groups of a command that renders (:data:`SHARED`)."""
COMMANDS = (
    Command("list", commands.list_scenes, "the lesson's scenes and steps"),
    Command(
        "check",
        commands.check,
        "the lesson's mistakes, without rendering",
        description="Read the lesson file and its narration/ folder without "
        "rendering and say every mistake, a line each with its file and line: "
        "refused values, [scene.narration] keys that name no step, recordings "
        "that do not decode or are silent (errors, exit status 1); files under "
        "narration/ that no scene or step uses, recorded steps without words for "
        "their captions (warnings).",
    ),
    Command("render", commands.render, "render scenes", RENDERING, _scene_ids),
    Command(
        "preview",
        commands.preview,
        "a still PNG of any moment",
        arguments=_preview_arguments,
        description="A still PNG of a moment of a scene: a time, the end of a "
        "step, or (with neither) the scene's last frame.",
    ),
    Command("lesson", commands.lesson, "the whole lesson", RENDERING),
    Command(
        "export",
        commands.export,
        "a lecture bundle",
        RENDERING,
        _export_arguments,
        usage="mathvid export [options] OUTDIR [ID ...]\n"
        "       mathvid export [options] --single-file FILE.html [ID ...]\n"
        "       mathvid export [options] --pptx FILE.pptx [ID ...]\n"
        "       mathvid export [options] --scorm FILE.zip [ID ...]",
    ),
    Command(
        "script",
        commands.script,
        "the narration script, to read aloud and record",
        arguments=_scene_ids,
        description="Write the narration script (per scene and step: the words, "
        "the step's length, whether it is recorded) as Markdown beside the lesson "
        "file, in narration/script.md.",
    ),
    Command(
        "studio",
        commands.studio,
        "author the lesson in the browser",
        arguments=_studio_arguments,
        description="Serve the studio on this computer (127.0.0.1) and print its "
        "address: pick a scene, scrub its timeline, edit its parameters (written "
        "to the lesson file); every save of the lesson or the code redraws the "
        "frame.",
    ),
    Command(
        "variants",
        commands.variants,
        "a pool of checked per-student variants, and handing them out",
        arguments=_variants_arguments,
        description="Draw variants of the lesson from its [variants] table, check "
        "each (its constraints and every fact its words assert, against mathcore), "
        "drop duplicates, and write variants/pool.toml and variants/summary.md "
        "beside the lesson file. `mathvid variants assign ROSTER.csv` gives each "
        "student a variant (the same one whenever the roster grows) and writes "
        "their files and the teacher's table.",
        usage="mathvid variants [LESSON] [--count N] [-j N]\n"
        "       mathvid variants assign ROSTER.csv [--lesson FILE] [--out DIR] "
        "[--as html|scorm]",
    ),
    Command(
        "scenes",
        commands.scenes,
        "every scene class and its parameters",
        shares=(),
        description="Every scene class a lesson file can use, with its "
        "parameters: type, default (as a lesson file writes it) and meaning.",
    ),
)
"""Every command, in the order ``mathvid --help`` lists them."""


if __name__ == "__main__":
    raise SystemExit(main())
