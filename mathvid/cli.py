"""The ``mathvid`` command.

Examples
--------
Render the whole lesson at medium quality and print where the video is::

    mathvid lesson -q m
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mathvid.lesson import LessonError, load_lesson
from mathvid.render import QUALITIES, RenderError, render_scene

EXAMPLES = """examples:
  mathvid lesson            render every scene of lesson.toml at medium quality
  mathvid lesson -q l       the same, fast and small (480p15)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mathvid",
        description="Animated explainer videos of calculus for deep learning.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    lesson = sub.add_parser("lesson", help="render the lesson's scenes")
    lesson.add_argument("-q", "--quality", choices=sorted(QUALITIES), default="m")
    lesson.add_argument("--lesson", type=Path, default=Path("lesson.toml"))
    lesson.add_argument("--media", type=Path, default=Path("media"), help="output folder")
    args = parser.parse_args(argv)
    try:
        return _lesson(args.lesson, args.quality, args.media)
    except (LessonError, RenderError) as err:
        print(f"mathvid: {err}", file=sys.stderr)
        return 1


def _lesson(path: Path, quality: str, media: Path) -> int:
    spec = load_lesson(path)
    for entry in spec.scenes:
        video = render_scene(entry.load(), quality, media)
        print(f"{entry.id}: {video}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
