"""TangentLine renders, and every number in its manifest is the true derivative."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest

from mathvid.render import render_scene
from scenes.derivatives import TangentLine


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_scene(TangentLine, "l", tmp_path_factory.mktemp("media"))


def test_video_decodes_at_480p15_with_frames(rendered: Path) -> None:
    with av.open(str(rendered)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (854, 480)
        assert stream.average_rate == 15
        frames = sum(1 for _ in container.decode(stream))
    assert frames > 15 * 10  # the scene is more than ten seconds long


def test_manifest_holds_the_true_slopes_of_x_squared(rendered: Path) -> None:
    manifest = json.loads(rendered.with_suffix(".json").read_text())
    params = manifest["params"]
    assert params["rest_points"] == [-1.0, 0.0, 2.0]  # the notebook's three panels
    for x0 in params["rest_points"]:
        shown = manifest["values"][f"tangent.at[{x0:g}]"]
        assert shown == {"x0": x0, "y0": x0**2, "slope": 2 * x0}
    # Secant slopes of x² through x0 and x0 + h are (2x0 + h) up to rounding.
    x0 = manifest["values"]["secant.x0"]
    for h, slope in manifest["values"]["secant.slopes"].items():
        assert slope == pytest.approx(2 * x0 + float(h), rel=1e-12)
    assert manifest["values"]["secant.limit"] == 2 * x0


def test_every_step_has_a_caption(rendered: Path) -> None:
    manifest = json.loads(rendered.with_suffix(".json").read_text())
    captions = rendered.with_suffix(".srt").read_text()
    assert len(manifest["steps"]) >= 3
    for step in manifest["steps"]:
        assert step["caption"] in captions
