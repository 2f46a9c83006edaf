"""Explore in the lecture player: the packed runs are mathcore's runs, and the page
draws them where the video draws the scene's own.

The reference here is ``mathcore.optimize.run`` and ``mathcore.landscape.verdict``
called directly, one run at a time; the grid's starts and kept steps are rebuilt from
the header as the page rebuilds them, not by the packing code.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import math
import re
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lesson.manifest import Explore, Marker, Racer
from lesson.themes import DARK
from mathcore import landscape, windows
from mathcore.optimize import run
from mathcore.symbolic import resolve_objective
from mathcore.tuning import OPTIMIZERS
from mathvid.publish import explore
from tests.mathvid.command import mathvid
from tests.mathvid.conftest import poll

BOWL = Explore(
    frame=[14.222, 8.0],
    map=[-3.0, -3.0, 3.0, 3.0],
    window=[[-5.0, 5.0], [-5.0, 5.0]],
    function="bowl",
    start=[4.0, 3.0],
    steps=50,
    tol=1e-8,
    optimizers=[Racer("GD", 0.2, "#FFD166")],
    lrs=[],
    marker=Marker("#06D6A0", 0.13),
    path_width=0.04,
)
# Long runs (thinned after the head), and several optimizers on one grid of rates.
VALLEY = dataclasses.replace(
    BOWL,
    function="rosenbrock",
    start=[-1.0, 1.0],
    steps=400,
    window=[[-2.0, 2.0], [-1.0, 3.0]],
    optimizers=[Racer("GD", 0.001, "#FF6B6B"), Racer("Adam", 0.1, "#06D6A0")],
    lrs=[0.0001, 0.001, 0.01, 0.1, 1.0],
)


def grid_start(header: dict, i: int) -> np.ndarray:
    """Start ``i`` of the grid, as the page places it."""
    (x0, x1), (y0, y1) = header["spec"]["window"]
    n = header["grid"]["side"]
    if i == n * n:
        return np.array(header["spec"]["start"])
    col, row = i % n, i // n
    return np.array([x0 + (col + 0.5) / n * (x1 - x0), y0 + (row + 0.5) / n * (y1 - y0)])


def kept(header: dict, count: int, last: int) -> list[int]:
    """The steps of a run's ``count`` kept points, as the page numbers them."""
    head, stride = header["grid"]["head"], header["grid"]["stride"]
    steps = [k if k < head else head + (k - head) * stride for k in range(count)]
    return [*steps[:-1], last]


def packed(spec: Explore) -> tuple[dict, dict]:
    """The header and arrays of ``spec``'s runs, read back from the script the
    player loads."""
    text = explore.script("scene", *explore.compute(spec))
    payload = json.loads(re.search(r"= (\{.*\});\n$", text, re.S).group(1))
    data = zlib.decompress(base64.b64decode(payload["data"]))
    return payload["header"], explore.unpack(payload["header"], data)


@pytest.mark.parametrize("spec", [BOWL, VALLEY], ids=["bowl", "valley"])
def test_a_packed_run_is_mathcores_run_to_within_a_quantisation_step(spec: Explore) -> None:
    header, arrays = packed(spec)
    f = resolve_objective(spec.function, dim=2)
    window = tuple(tuple(axis) for axis in spec.window)
    (bx0, bx1), (by0, by1) = header["box"]
    step = np.array([bx1 - bx0, by1 - by0]) / header["levels"]
    low, high = header["loss"]["low"], header["loss"]["high"]
    loss_step = (high - low) / (header["levels"] - 1)  # in decades
    n_starts = header["grid"]["starts"]
    assert n_starts == header["grid"]["side"] ** 2 + 1
    checked = {"converged": 0, "diverged": 0, "stopped": 0}
    first = 0
    for racer in header["racers"]:
        # The scene's own rate and start are on the grid, exactly.
        assert racer["lr"] in racer["lrs"]
        for k, lr in enumerate(racer["lrs"]):
            for i in (0, n_starts // 3, n_starts // 2 + 5, n_starts - 1):
                index = first + k * n_starts + i
                x0 = grid_start(header, i)
                traj = run(f, x0, OPTIMIZERS[racer["name"]](lr), spec.steps, spec.tol)
                verdict = landscape.verdict(traj, window, ())
                assert header["status"][arrays["status"][index]] == verdict.status
                assert arrays["told"][index] == verdict.step
                a, b = arrays["offsets"][index], arrays["offsets"][index + 1]
                points = explore.dequantise(
                    arrays["points"].reshape(-1, 2)[a:b], header["box"]
                )
                steps = kept(header, b - a, int(arrays["last"][index]))
                truth = traj.points[steps]
                inside = windows.inside_each(truth, header["box"])
                # Every point inside the box is stored; one outside ends the run,
                # cut on its way out, at the box's edge.
                assert inside[:-1].all()
                ok = np.abs(points[inside] - truth[inside]) <= step / 2 + 1e-12
                assert ok.all(), (racer["name"], lr, i)
                if inside[-1]:
                    assert steps[-1] == traj.n_steps
                else:  # on the box's edge, between the last two points
                    edges = np.array(header["box"]).T
                    assert (np.abs(points[-1] - edges) <= step).any()
                    assert np.all(
                        (points[-1] - truth[-2]) * (truth[-1] - points[-1]) >= -step
                    )
                losses = explore.LossScale(low, high, header["loss"]["shift"]).decode(
                    arrays["losses"][a:b]
                )
                for got, want in zip(losses, traj.losses[steps], strict=True):
                    if 10**low < want < 10**high:
                        assert abs(math.log10(got) - math.log10(want)) <= loss_step
                checked[verdict.status] += 1
        first += len(racer["lrs"]) * n_starts
    assert header["runs"] == first == len(arrays["status"])
    # The grid reaches past the stability bound, and (on the bowl) to convergence.
    assert checked["diverged"] and checked["stopped"], checked
    assert checked["converged"] or spec is VALLEY, checked


def test_the_files_stay_small() -> None:
    for spec in (BOWL, VALLEY):
        header, data = explore.compute(spec)
        assert len(explore.script("scene", header, data)) < 4e6


# The player, in real headless Chromium, on a descent rendered once at low quality.

LESSON = """title = "Explore"
voice = "none"

[[scene]]
id = "descent"
scene = "scenes.descent:DescentBowl"
title = "Gradient descent"
[scene.params]
worked_steps = 1
rest_seconds = 1.0
"""


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("explore")
    lesson, media = folder / "lesson.toml", folder / "media"
    lesson.write_text(LESSON)
    # The export renders the scene first (as `mathvid render` would), then bundles it.
    done = mathvid(
        "export", folder / "lecture", "-q", "l", "--lesson", lesson, "--media", media
    )
    assert done.returncode == 0, done.stderr
    manifest = media / "lesson" / "scenes" / "descent" / "l" / "scene.json"
    return {"bundle": folder / "lecture", "manifest": json.loads(manifest.read_text())}


def test_the_bundle_offers_explore_on_the_scenes_step(lecture: dict) -> None:
    page = (lecture["bundle"] / "index.html").read_text()
    opening = 'id="lesson-data" type="application/json">'
    start = page.index(opening) + len(opening)
    data = json.loads(page[start : page.index("</script>", start)])
    offered = data["scenes"][0]["explore"]
    assert offered["steps"] == lecture["manifest"]["explore"]["offered"] == [3]
    script = lecture["bundle"] / offered["src"]
    assert script.name == "descent.js" and script.stat().st_size == offered["bytes"]


STATE = """const c = document.getElementById('explore-map');
return {status: c.dataset.status, lr: Number(c.dataset.lr), start: c.dataset.start,
        text: document.getElementById('explore-status').textContent,
        hidden: c.hidden, button: document.getElementById('explore-button').hidden,
        step: Number(document.body.dataset.step),
        colour: getComputedStyle(document.getElementById('explore-status')).color};"""


def css_rgb(colour: str) -> str:
    """``#RRGGBB`` as the browser reports a computed colour: ``rgb(r, g, b)``."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def wait_until(driver, predicate, seconds: float = 10.0) -> dict:
    return poll(driver, STATE, predicate, seconds)


def blob_centre(rgb: np.ndarray, colour: str, box: tuple[int, int, int, int]) -> np.ndarray:
    """The centre of the bounding box of the pixels of ``colour`` inside ``box``
    (left, top, right, bottom): a dot's centre, even with a line across it."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    left, top, right, bottom = box
    near = np.abs(rgb[top:bottom, left:right, :3].astype(int) - target).max(axis=2) < 40
    ys, xs = np.nonzero(near)
    assert len(xs) > 20, "no dot of that colour"
    return np.array([left + (xs.min() + xs.max()) / 2, top + (ys.min() + ys.max()) / 2])


def open_explore(browser, bundle: Path, step: int) -> None:
    from selenium.webdriver.common.by import By

    browser.get((bundle / "index.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, f"nav li[data-step='{step}']").click()
    assert wait_until(browser, lambda s: s["step"] == step)["step"] == step
    # Paused at the step's end: its finished picture (once the step's clip has its
    # length: until its metadata is loaded, a video's duration is NaN).
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const v = document.getElementById('video');"
        "const end = () => { v.pause(); v.currentTime = v.duration; done(); };"
        "v.pause();"
        "if (Number.isFinite(v.duration)) end();"
        "else v.addEventListener('loadedmetadata', end, {once: true});"
    )
    assert not wait_until(browser, lambda s: not s["button"])["button"]
    browser.find_element(By.TAG_NAME, "body").send_keys("e")
    state = wait_until(browser, lambda s: s["status"] is not None)
    assert state["status"] == "converged" and not state["hidden"], state


def test_the_page_draws_the_start_where_the_video_does(lecture: dict, browser) -> None:
    spec = lecture["manifest"]["explore"]
    clip = sorted((lecture["bundle"] / "clips" / "descent").glob("04-*.mp4"))[0]
    with av.open(str(clip)) as video:
        frame = [f for f in video.decode(video=0)][-1].to_ndarray(format="rgb24")
    height, width = frame.shape[:2]
    fw, fh = spec["frame"]
    left, bottom, right, top = spec["map"]

    def pixels(sx: float, sy: float) -> tuple[int, int]:  # scene units → frame pixels
        return int((sx + fw / 2) / fw * width), int((fh / 2 - sy) / fh * height)

    map_box = (*pixels(left, top), *pixels(right, bottom))
    in_video = blob_centre(frame, spec["marker"]["colour"], map_box)

    open_explore(browser, lecture["bundle"], 3)
    drawn = browser.execute_script(
        """const c = document.getElementById('explore-map');
        const v = document.getElementById('video');
        const s = Math.min(v.clientWidth / v.videoWidth, v.clientHeight / v.videoHeight);
        return {url: c.toDataURL('image/png'), ratio: c.width / v.clientWidth, scale: s,
                x: (v.clientWidth - v.videoWidth * s) / 2,
                y: (v.clientHeight - v.videoHeight * s) / 2};"""
    )
    canvas = np.array(Image.open(io.BytesIO(base64.b64decode(drawn["url"].split(",")[1]))))
    opaque = canvas.copy()
    opaque[canvas[..., 3] < 250] = 0  # the veil and the faint grid are see-through
    r = drawn["ratio"]
    # The map's box on the canvas, to look in: frame pixels to canvas pixels.
    to_canvas = drawn["scale"] * r
    box = (
        int(drawn["x"] * r + map_box[0] * to_canvas),
        int(drawn["y"] * r + map_box[1] * to_canvas),
        int(drawn["x"] * r + map_box[2] * to_canvas),
        int(drawn["y"] * r + map_box[3] * to_canvas),
    )
    on_page = blob_centre(opaque, spec["marker"]["colour"], box)
    # Back to the frame's pixels: the page's dot against the video's.
    on_page = (on_page - [drawn["x"] * r, drawn["y"] * r]) / to_canvas
    assert np.abs(on_page - in_video).max() <= 2.0, (on_page, in_video)


def test_dragging_the_start_and_moving_the_rate_change_the_run(
    lecture: dict, browser
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_explore(browser, lecture["bundle"], 3)
    first = wait_until(browser, lambda s: True)
    assert first["start"] == "4,3" and first["lr"] == 0.2
    assert "converged at step 41" in first["text"]  # the scene's own run
    # Said in the lesson's theme (dark): converged in its "good" colour, diverged in
    # the colour of derivatives gone wrong.
    assert first["colour"] == css_rgb(DARK.good)
    # The rate: its largest, past 2/L = 1, diverges; its smallest runs out of steps.
    slider = browser.find_element(By.ID, "explore-lr")
    slider.send_keys(Keys.END)
    state = wait_until(browser, lambda s: s["status"] == "diverged")
    assert state["lr"] > 1.0 and "diverged" in state["text"] and state["step"] == 3
    assert state["colour"] == css_rgb(DARK.tangent)
    slider.send_keys(Keys.HOME)
    state = wait_until(browser, lambda s: s["status"] == "stopped")
    assert "max steps" in state["text"]
    # The map's keys move the start one cell of the grid; Home brings back the scene's.
    canvas = browser.find_element(By.ID, "explore-map")
    canvas.send_keys(Keys.ARROW_LEFT)
    moved = wait_until(browser, lambda s: s["start"] != "4,3")
    assert moved["start"] != "4,3" and moved["step"] == 3  # not the next step
    canvas.send_keys(Keys.HOME)
    assert wait_until(browser, lambda s: s["start"] == "4,3")["start"] == "4,3"
    # A drag to the map's centre: a start on the grid next to the minimum.
    slider.send_keys(Keys.END)
    wait_until(browser, lambda s: s["status"] == "diverged")
    centre = browser.execute_script(
        """const c = document.getElementById('explore-map').getBoundingClientRect();
        return [c.width, c.height];"""
    )
    spec = lecture["manifest"]["explore"]
    fw, fh = spec["frame"]
    left, bottom, right, top = spec["map"]
    # Where the map's centre is, from the canvas's centre, in CSS px.
    scale = min(centre[0] / fw, centre[1] / fh)
    dx, dy = (left + right) / 2 * scale, -(bottom + top) / 2 * scale
    start = wait_until(browser, lambda s: True)["start"]
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(dx + 120), int(dy)
    ).click_and_hold().move_by_offset(-120, 0).release().perform()
    state = wait_until(browser, lambda s: s["start"] != start)
    x, y = map(float, state["start"].split(","))
    assert abs(x) < 0.5 and abs(y) < 0.5, state  # a cell around the minimum
    assert state["status"] == "diverged" and state["step"] == 3
    # Esc goes back to the video; a step that offers nothing offers no button.
    canvas.send_keys(Keys.ESCAPE)
    state = wait_until(browser, lambda s: s["hidden"] and not s["button"])
    assert state["hidden"] and not state["button"]
    browser.find_element(By.CSS_SELECTOR, "nav li[data-step='0']").click()
    browser.execute_script("document.getElementById('video').pause();")
    state = wait_until(browser, lambda s: s["step"] == 0, seconds=2)
    assert state["step"] == 0 and state["button"]
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_the_single_file_carries_its_runs_inside(lecture: dict, browser) -> None:
    from selenium.webdriver.common.by import By

    out = lecture["bundle"].parent / "single.html"
    lesson, media = (
        lecture["bundle"].parent / "lesson.toml",
        lecture["bundle"].parent / "media",
    )
    done = mathvid(
        "export", "-q", "l", "--lesson", lesson, "--media", media, "--single-file", out
    )
    assert done.returncode == 0, done.stderr
    assert "data:text/javascript;base64," in out.read_text()
    browser.get(out.as_uri())
    browser.find_element(By.CSS_SELECTOR, "nav li[data-step='3']").click()
    wait_until(browser, lambda s: s["step"] == 3)
    browser.execute_script("document.getElementById('video').pause();")
    assert not wait_until(browser, lambda s: not s["button"])["button"]
    browser.find_element(By.ID, "explore-button").click()
    state = wait_until(browser, lambda s: s["status"] is not None)
    assert state["status"] == "converged" and "step 41" in state["text"], state
