"""Render one thing in this process and print its video's length as JSON; the bench
times the process from outside.

    python -m bench.render_one lesson <scene id> <quality>
    python -m bench.render_one stock <StockClass> <quality>
    python -m bench.render_one static <seconds> <quality>
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import av


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as video:
        return float(video.duration) / 1e6


def main(kind: str, what: str, quality: str) -> None:
    from mathvid.run.manim_setup import manim_config
    from mathvid.run.render import QUALITIES, ROOT, Job, render

    with tempfile.TemporaryDirectory(prefix="bench-") as media:
        if kind == "lesson":
            from lesson.file import load_lesson

            entry = load_lesson(ROOT / "lesson.toml").entry(what)
            video = render(
                Job(entry.id, entry.scene, entry.params, quality), Path(media)
            ).video
        else:
            from manim import tempconfig

            from bench import stock

            scene_cls = getattr(stock, what) if kind == "stock" else stock.StaticScene
            if kind == "static":
                scene_cls.seconds = float(what)
            options = {
                "quality": QUALITIES[quality],
                "media_dir": media,
                "progress_bar": "none",
                "verbosity": "WARNING",
            }
            with tempconfig(manim_config(options)):
                scene = scene_cls()
                scene.render()
                video = Path(scene.renderer.file_writer.movie_file_path)
        print(json.dumps({"video_seconds": video_seconds(video), "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident memory since it started this program.

    Not getrusage: a child's ru_maxrss also counts what it shared with its parent
    before exec (the bench's own few hundred MB).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main(*sys.argv[1:4])
