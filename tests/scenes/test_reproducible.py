"""A 3-D scene draws the same picture however, and however often, it is drawn.

GradientBowl moves its camera's centre (the map goes to the left of the screen).
Manim made each pixel array's Cairo context with the centre as it was then, and a
3-D camera's projection takes the centre off the points already: a context made
after the move drew the map a second time that far off. mathvid draws a video's
frames into buffers that the encoder hands back (a new one when it is behind), so
which frames came out shifted hung on the encoder's timing: a second render in one
process, or a render in another process, drew other pictures. And a still of a
moment after the move (``mathvid preview --at``, the studio's frames) was drawn
with a context made then: always shifted.

The renders here are small (320×180 at 5 frames a second, through mathvid's own
set-up: :func:`mathvid.run.manim_setup.manim_config` in ``tempconfig``), and their
videos are compared frame by frame, decoded. The reference for what a moment
should look like is the scene's golden frame, checked by eye.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lesson.manifest import Manifest
from mathvid.run.manim_setup import ROOT, manim_config
from mathvid.run.stills import moment_still
from scenes.gradients import GradientBowl
from tests.scenes.goldens import MAX_DIFFERING, differing_fraction, golden_path

SIZE, FPS = (320, 180), 5


class BehindEncoder(queue.SimpleQueue):
    """A frame-buffer pool the encoder never hands a buffer back to: every frame is
    drawn into a new buffer, with a Cairo context of its own made at that frame
    (the worst of an encoder's timing). Counts the buffers asked for."""

    def __init__(self) -> None:
        self.asked = 0

    def get_nowait(self) -> object:
        self.asked += 1
        raise queue.Empty

    def put(self, item: object, block: bool = True, timeout: float | None = None) -> None:
        """The buffer is dropped, not pooled again."""


def render_small(folder: Path, pool: BehindEncoder | None = None) -> Path:
    """GradientBowl rendered into ``folder`` at :data:`SIZE` and :data:`FPS`, as
    mathvid renders (its video), with ``pool`` for its frame buffers when given."""
    from manim import tempconfig

    options = {
        "quality": "low_quality",
        "pixel_width": SIZE[0],
        "pixel_height": SIZE[1],
        "frame_rate": FPS,
        "media_dir": str(folder),
        "video_dir": str(folder / "video"),
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    with tempconfig(manim_config(options)):
        scene = GradientBowl()
        if pool is not None:  # mathvid.run.encoding keeps a renderer's pool there
            scene.renderer._frame_pool = pool
        scene.render()
    return Path(scene.renderer.file_writer.movie_file_path)


def frames(video: Path) -> list[np.ndarray]:
    """Every frame of ``video``, decoded (RGB)."""
    with av.open(str(video)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def assert_same_frames(video: Path, reference: Path) -> None:
    got, expected = frames(video), frames(reference)
    assert len(got) == len(expected) > FPS * 10
    differing = [
        (n, int((a != b).any(axis=2).sum()))
        for n, (a, b) in enumerate(zip(got, expected, strict=True))
        if not np.array_equal(a, b)
    ]
    assert not differing, f"{len(differing)} frames differ (frame, pixels): {differing[:8]}"


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first render of GradientBowl in this process: its video."""
    return render_small(tmp_path_factory.mktemp("first"))


def test_a_second_render_in_one_process_draws_the_same_frames(
    first: Path, tmp_path: Path
) -> None:
    # The second render's encoder never gives a buffer back: each frame is drawn
    # with a context made at that frame, after the camera's centre moved or not.
    pool = BehindEncoder()
    second = render_small(tmp_path, pool)
    assert pool.asked > FPS * 10  # the frames went through the pool
    assert_same_frames(second, first)


def test_a_render_in_another_process_is_the_same_video(first: Path, tmp_path: Path) -> None:
    # Another process: its own timing, and another seed for hashes (a set's order).
    code = (
        "import sys; from pathlib import Path; "
        "from tests.scenes.test_reproducible import render_small; "
        "print(render_small(Path(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    other = Path(done.stdout.strip().splitlines()[-1])
    assert_same_frames(other, first)
    assert other.read_bytes() == first.read_bytes()


def test_a_moment_after_the_camera_moved_is_drawn_as_its_golden_frame(
    first: Path,
) -> None:
    # A still of one moment draws its first frame there, after the camera's centre
    # moved: the scene's last moment is its last step's golden frame.
    manifest = Manifest.read(first.with_suffix(".json"))
    still = moment_still(GradientBowl, manifest.duration)
    step = manifest.steps[-1].name
    golden = np.asarray(Image.open(golden_path("GradientBowl", 3, step)).convert("RGB"))
    assert differing_fraction(still, golden) <= MAX_DIFFERING
