"""The studio's page in headless Chromium: a teacher's session, click by click."""

from __future__ import annotations

import base64
import io
import re
import shutil
import statistics
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mathvid.studio.edits import with_params
from tests.mathvid.studio_site import ROOT, running
from tests.mathvid.test_studio import cli_error

SCREENSHOT = ROOT / "docs" / "studio.png"
"""The README's picture of the studio, taken here (``--update-goldens`` keeps it)."""

FRAME = """const img = document.getElementById('frame');
return {count: Number(img.dataset.count || 0), t: Number(img.dataset.t),
        scene: img.dataset.scene || ''};"""

STEP_START = "return scene().steps[N].start;"

PIXELS = """const img = document.getElementById('frame');
const canvas = document.createElement('canvas');
canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
canvas.getContext('2d').drawImage(img, 0, 0);
return canvas.toDataURL('image/png');"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    with running(tmp_path_factory.mktemp("studio-page")) as site:
        yield site


def frame(browser) -> dict:
    return browser.execute_script(FRAME)


def pixels(browser) -> np.ndarray:
    data = browser.execute_script(PIXELS).split(",", 1)[1]
    picture = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    return np.asarray(picture).astype(int)


def wait(browser, condition, timeout: float = 60):
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.05).until(lambda _: condition())


def new_frame(browser, after: int) -> dict:
    """The page's frame once it has shown one more than ``after``, none is pending,
    and the scene's timeline is current (its arrival redraws the frame)."""
    wait(browser, lambda: frame(browser)["count"] > after)
    settled = "return !(asking || again || (scene() && scene().stale))"
    wait(browser, lambda: browser.execute_script(settled))
    return frame(browser)


def test_a_teacher_authors_a_scene_without_the_terminal(
    browser, site, tmp_path, update_goldens
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    lesson = site.client().get("/api/scenes").json()  # the timelines, for checking
    table = next(s for s in lesson["scenes"] if s["id"] == "table")
    browser.get(site.url + "/")
    wait(browser, lambda: frame(browser)["scene"] == "tangent")  # the first, picked

    # A scene is picked.
    shown = frame(browser)["count"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-scene="table"]').click()
    state = new_frame(browser, shown)
    assert state["scene"] == "table" and state["t"] == 0
    start = pixels(browser)

    # → moves the playhead to the next step, and the frame follows.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    state = new_frame(browser, state["count"])
    assert state["t"] == pytest.approx(table["steps"][1]["start"])
    assert np.abs(pixels(browser) - start).max() > 100
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    state = new_frame(browser, state["count"])
    assert state["t"] == 0

    # Dragging the playhead to three quarters of the timeline.
    timeline = browser.find_element(By.ID, "timeline")
    width = timeline.size["width"]
    three_quarters = ActionChains(browser).move_to_element_with_offset(
        timeline, width // 4, 0
    )
    three_quarters.click().perform()
    state = new_frame(browser, state["count"])
    assert state["t"] == pytest.approx(0.75 * table["duration"], rel=0.02)
    assert np.abs(pixels(browser) - start).max() > 100

    # A parameter edited in the form: into the file (comments kept), and the frame.
    browser.find_element(By.CSS_SELECTOR, 'button[data-scene="tangent"]').click()
    state = new_frame(browser, state["count"])
    for _ in range(2):  # step 3 starts where the secant has become the tangent at limit_at
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        state = new_frame(browser, state["count"])
    before = pixels(browser)
    field = browser.find_element(By.ID, "param-limit_at")
    field.send_keys(Keys.CONTROL, "a")  # typed over, as a teacher does (clear() sends "")
    field.send_keys("2.0", Keys.TAB)
    wait(browser, lambda: "limit_at = 2.0   # where the secant" in site.lesson.read_text())
    state = new_frame(browser, state["count"])
    assert np.abs(pixels(browser) - before).max() > 100
    edited = pixels(browser)

    # An invalid value: the CLI's one line beside the field; file and frame stay.
    kept = site.lesson.read_text()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("left", Keys.TAB)
    error = browser.find_element(By.ID, "error-limit_at")
    wait(browser, lambda: error.text != "")
    bad = tmp_path / "lesson.toml"
    bad.write_text(kept.replace("limit_at = 2.0", 'limit_at = "left"'))
    assert error.text == cli_error(bad).replace(str(bad), site.lesson.name)
    assert site.lesson.read_text() == kept
    assert frame(browser)["count"] == state["count"]
    assert np.array_equal(pixels(browser), edited)

    # An edit made outside the page (an editor, git) reaches the page.
    site.lesson.write_text(re.sub(r"limit_at = 2\.0", "limit_at = -1.5", kept))
    wait(browser, lambda: field.get_attribute("value") == "-1.5")
    state = new_frame(browser, state["count"])
    assert np.abs(pixels(browser) - edited).max() > 100

    # The README's picture: a scene mid-way, edited.
    shot = tmp_path / "studio.png"
    browser.save_screenshot(str(shot))
    assert Image.open(shot).size[0] >= 1200
    if update_goldens:
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    # Steps that get shorter: the playhead keeps its step and its offset into it.
    before = site.client().get("/api/scenes").json()["scenes"][0]
    third = before["steps"][2]
    share = (third["start"] + 1.0) / before["duration"]
    offset = round((share - 0.5) * timeline.size["width"])
    ActionChains(browser).move_to_element_with_offset(timeline, offset, 0).click().perform()
    state = new_frame(browser, state["count"])
    into = state["t"] - third["start"]
    assert 0.5 < into < 1.5
    site.lesson.write_text(
        with_params(site.lesson.read_text(), "tangent", {"secant_steps": [0.5]})
    )
    after = STEP_START.replace("N", "2")
    wait(browser, lambda: browser.execute_script(after) < third["start"] - 1)
    state = new_frame(browser, state["count"])
    assert state["t"] == pytest.approx(browser.execute_script(after) + into, abs=1e-6)


def test_the_readme_shows_the_studio() -> None:
    assert "docs/studio.png" in (ROOT / "README.md").read_text()
    assert Image.open(SCREENSHOT).size[0] >= 1200
    assert Path(SCREENSHOT).stat().st_size > 20_000  # a picture, not a blank page


PLAYING = """const video = document.getElementById('clip');
const img = document.getElementById('frame');
return {playing: state.playing, t: state.t, draft: img.dataset.draft,
        shown: Number(img.dataset.t), video: video.currentTime,
        hidden: video.hidden, paused: video.paused};"""


def follows_the_clip(browser) -> list[float]:
    """The playhead's moments over a second of the clip playing, once it is seen to
    follow it: the time of the frame on screen (15 a second, at 480p15), a frame or
    less behind the clip's own clock, read every display frame (not a timeupdate
    every quarter second or so, as it was; a busy machine's page may run late now
    and then: the median), and going on with the clock."""
    moments, clocks = [], []
    for _ in range(12):
        state = browser.execute_script(PLAYING)
        if state["playing"] is True and not state["paused"]:
            moments.append(state["t"])
            clocks.append(state["video"])
        time.sleep(0.07)
    lags = [clock - t for clock, t in zip(clocks, moments, strict=True)]
    assert len(lags) >= 5 and statistics.median(lags) <= 1 / 15, (moments, clocks)
    assert min(lags) > -1e-4, (moments, clocks)  # the clock is in whole µs
    assert moments[-1] - moments[0] >= clocks[-1] - clocks[0] - 2 / 15, (moments, clocks)
    assert all(abs(t * 15 - round(t * 15)) < 0.03 for t in moments), moments
    return moments


def longest_frame(mp4: bytes) -> tuple[float, float]:
    """The start and end, in seconds, of the clip's longest frame."""
    import av

    with av.open(io.BytesIO(mp4)) as clip:
        stream = clip.streams.video[0]
        starts = sorted(float(f.pts * stream.time_base) for f in clip.decode(stream))
        end = float(stream.duration * stream.time_base)
    spans = list(zip(starts, [*starts[1:], end], strict=True))
    return max(spans, key=lambda span: span[1] - span[0])


def test_space_plays_at_once_from_the_playhead_then_the_clip(browser, site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from tests.mathvid.conftest import poll

    browser.get(site.url + "/")
    wait(browser, lambda: frame(browser)["scene"] != "")
    shown = frame(browser)["count"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-scene="table"]').click()
    state = new_frame(browser, shown)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    start = new_frame(browser, state["count"])["t"]
    assert start > 0

    # Space: the clip is not rendered; a draft plays from the playhead at once, and
    # the playhead is the moment of the picture on screen.
    body.send_keys(" ")
    drafted = lambda s: s["draft"] == "true" and s["shown"] > start  # noqa: E731
    state = poll(browser, PLAYING, drafted, 60)
    assert state["playing"] == "draft" and state["shown"] > start
    assert state["t"] == state["shown"]

    # The clip, once rendered, takes over where the draft is (or, if the draft
    # reached the scene's end first, plays at the next Space).
    deadline = time.monotonic() + 600
    clip = {"scene": "table"}
    while site.client().get("/api/clip", params=clip).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    state = poll(browser, PLAYING, lambda s: s["playing"] != "draft", 60)
    if state["playing"] is not True:
        body.send_keys(Keys.ARROW_LEFT)
        body.send_keys(" ")
    state = poll(browser, PLAYING, lambda s: s["playing"] is True and not s["paused"], 60)
    assert state["playing"] is True and not state["hidden"]
    follows_the_clip(browser)

    # Within a held picture (one long frame of the clip: the longest, read from the
    # file), the playhead goes on with the clip, frame by frame, not stuck at the
    # picture's first moment.
    start, end = longest_frame(site.client().get("/api/clip", params=clip).content)
    assert end - start > 0.5
    body.send_keys(" ")
    poll(browser, PLAYING, lambda s: s["playing"] is False, 60)
    browser.execute_script("moveTo(arguments[0])", start + 1 / 15)
    body.send_keys(" ")
    poll(browser, PLAYING, lambda s: s["playing"] is True and not s["paused"], 60)
    moments = follows_the_clip(browser)
    assert start < moments[0] < moments[-1] < end, moments

    # Space again: it stops, and the frame at the playhead is drawn.
    count = frame(browser)["count"]
    body.send_keys(" ")
    state = new_frame(browser, count)
    assert state["t"] == pytest.approx(browser.execute_script("return state.t"))
    assert browser.execute_script(PLAYING)["draft"] == "false"


def test_the_playhead_moves_on_the_frames_of_the_clips_manim_renders() -> None:
    from manim.constants import QUALITIES

    from mathvid.media import CLIP_FRAME_RATE, CLIP_QUALITY
    from mathvid.run.render import QUALITIES as NAMES

    assert QUALITIES[NAMES[CLIP_QUALITY]]["frame_rate"] == CLIP_FRAME_RATE
