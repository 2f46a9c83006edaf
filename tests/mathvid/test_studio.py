"""``mathvid studio``'s API on a running server, against what the CLI and previews give."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lesson.file import load_lesson
from mathvid.run.preview import preview
from mathvid.run.stills import scene_manifest
from tests.mathvid.studio_site import Events, running


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    with running(tmp_path_factory.mktemp("studio")) as site:
        yield site


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_scenes_lists_each_scenes_steps_with_the_times_a_run_of_it_has(site) -> None:
    lesson = site.client().get("/api/scenes").json()
    assert lesson["title"] == "Studio test"
    assert [(s["id"], s["title"]) for s in lesson["scenes"]] == [
        ("tangent", "The tangent line"),
        ("table", "The table of derivatives"),
    ]
    for scene, entry in zip(lesson["scenes"], load_lesson(site.lesson).scenes, strict=True):
        manifest = scene_manifest(entry.scene_cls, entry.params)  # in this process
        assert [s["name"] for s in scene["steps"]] == [s.name for s in manifest.steps]
        assert [(s["start"], s["end"]) for s in scene["steps"]] == manifest.spans()
        assert scene["duration"] == manifest.duration > 5
    tangent = lesson["scenes"][0]
    limit_at = next(p for p in tangent["params"] if p["name"] == "limit_at")
    assert (
        limit_at["value"] == 1.5
        and limit_at["type"] == "float [-1e+06, 1e+06]"
        and limit_at["doc"]
    )


@pytest.mark.parametrize("t", [0.0, 1.234, 4.5, 9.0])
def test_a_frame_is_the_very_picture_mathvid_preview_draws(site, tmp_path, t) -> None:
    answer = site.client().get("/api/frame", params={"scene": "tangent", "t": t})
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    still = preview(site.lesson, "tangent", tmp_path, at=f"{t}s")  # in this process
    expected = np.asarray(Image.open(still).convert("RGB"))
    assert np.array_equal(pixels(answer.content), expected)


def test_after_an_edit_moments_before_the_first_asked_are_previews_pictures(
    site, tmp_path
) -> None:
    """After an edit, the frame asked first is forked from the run as it reaches
    the moment; moments before that one, asked next, come from its checkpoints."""
    events = Events(site)
    original = site.lesson.read_text()
    start = events.mark()
    site.lesson.write_text(re.sub(r"limit_at = [-\d.]+", "limit_at = 1.25", original))
    try:
        events.wait_for(changed({"tangent"}), start)
        for t in (9.0, 1.234, 4.5, 8.0):  # the first while the run races to it
            answer = site.client().get("/api/frame", params={"scene": "tangent", "t": t})
            assert answer.status_code == 200
            still = preview(site.lesson, "tangent", tmp_path, at=f"{t}s")
            expected = np.asarray(Image.open(still).convert("RGB"))
            assert np.array_equal(pixels(answer.content), expected), t
    finally:
        start = events.mark()
        site.lesson.write_text(original)
        events.wait_for(changed({"tangent"}), start)


def test_moments_apart_are_different_pictures(site) -> None:
    client = site.client()
    a, b = (client.get("/api/frame", params={"scene": "table", "t": t}) for t in (0.5, 6.0))
    assert a.status_code == b.status_code == 200
    assert np.abs(pixels(a.content).astype(int) - pixels(b.content)).max() > 100


def read_draft(answer, count: int) -> list[tuple[float, np.ndarray]]:
    """The first ``count`` pictures of a draft as it streams: (moment, pixels)."""
    pictures, buffer = [], b""
    for chunk in answer.iter_bytes():
        buffer += chunk
        while len(buffer) >= 32 and len(buffer) >= 32 + int(buffer[16:32]):
            size = int(buffer[16:32])
            pictures.append((float(buffer[:16]), pixels(buffer[32 : 32 + size])))
            buffer = buffer[32 + size :]
        if len(pictures) >= count:
            break
    return pictures[:count]


def test_a_draft_plays_the_scene_from_the_moment_asked_for(site) -> None:
    client = site.client()
    query = {"scene": "table", "t": 2.0}
    with client.stream("GET", "/api/draft", params=query) as answer:
        assert answer.status_code == 200
        pictures = read_draft(answer, 20)
    # Fifteen pictures a second from the moment on, at the studio's size.
    assert [t for t, _ in pictures] == pytest.approx([2.0 + n / 15 for n in range(20)])
    assert {p.shape for _, p in pictures} == {(540, 960, 3)}
    # The first is the frame at that moment (as a JPEG), and the scene moves on.
    frame = pixels(client.get("/api/frame", params=query).content).astype(int)
    assert np.abs(pictures[0][1] - frame).mean() < 2
    assert any(np.abs(p.astype(int) - pictures[0][1]).max() > 100 for _, p in pictures)
    # Once the page stops reading, the drawing stops and leaves nothing behind.
    folder = site.media / "lesson" / "studio"
    deadline = time.monotonic() + 30
    while list(folder.glob("draft-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(folder.glob("draft-*")) == []


def test_a_draft_past_the_end_is_refused_as_a_frame_is(site) -> None:
    query = {"scene": "tangent", "t": "1e6"}
    draft = site.client().get("/api/draft", params=query)
    frame = site.client().get("/api/frame", params=query)
    assert draft.status_code == frame.status_code == 422
    assert draft.json()["error"] == frame.json()["error"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            {"scene": "tangent", "t": "1e6"},
            422,
            r"lasts \d+\.\d\d s; 1e\+06 s is past its end",
        ),
        ({"scene": "tangent", "t": "soon"}, 422, "t: expected seconds"),
        ({"scene": "tangent", "t": "-1"}, 422, "expected seconds from 0"),
        ({"scene": "tangent", "t": "nan"}, 422, "expected seconds from 0"),
        ({"scene": "../../etc/passwd", "t": "1"}, 404, "no scene"),
    ],
)
def test_a_moment_that_cannot_be_drawn_is_said_in_one_line(site, query, status, message):
    answer = site.client().get("/api/frame", params=query)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert re.search(message, error) and "\n" not in error


def cli_error(lesson: Path) -> str:
    """What ``mathvid list`` says of ``lesson``, without the program's name."""
    done = subprocess.run(
        [sys.executable, "-m", "mathvid.cli", "list", "--lesson", str(lesson)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    return done.stderr.strip().removeprefix("mathvid: ")


def post_params(site, values: dict, scene: str = "tangent", **headers: str):
    """An edit based on the version of the lesson file the studio shows now."""
    version = site.client().get("/api/scenes").json()["version"]
    client = site.client(**{"x-studio-token": site.token, **headers})
    body = {"scene": scene, "params": values, "version": version}
    return client.post("/api/params", json=body)


def test_an_edit_is_written_to_the_lesson_file_with_its_comments(site) -> None:
    before = site.client().get("/api/frame", params={"scene": "tangent", "t": 9.0})
    old_key = site.client().get("/api/scenes").json()["scenes"][0]["key"]
    answer = post_params(site, {"limit_at": -1.0})
    assert answer.status_code == 200, answer.text
    text = site.lesson.read_text()
    assert "limit_at = -1.0   # where the secant turns into the tangent" in text
    assert text.startswith("# A lesson for the studio's tests.")
    scene = answer.json()["scene"]
    assert scene["key"] != old_key
    assert next(p["value"] for p in scene["params"] if p["name"] == "limit_at") == -1.0
    after = site.client().get("/api/frame", params={"scene": "tangent", "t": 9.0})
    assert np.abs(pixels(before.content).astype(int) - pixels(after.content)).max() > 100


def test_an_invalid_value_gives_the_clis_error_and_leaves_the_file(site, tmp_path) -> None:
    kept = site.lesson.read_text()
    answer = post_params(site, {"limit_at": "left"})
    assert answer.status_code == 422
    assert site.lesson.read_text() == kept
    bad = site.lesson.with_name("bad.toml")
    bad.write_text(
        kept.replace("limit_at = -1.0", 'limit_at = "left"').replace(
            "limit_at = 1.5", 'limit_at = "left"'
        )
    )
    # The same line, naming the file but not the folders it is in.
    expected = cli_error(bad).replace(str(bad), site.lesson.name)
    assert answer.json()["error"] == expected
    assert "params.limit_at" in expected


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"x-studio-token": ""}, 403),
        ({"x-studio-token": "guessed"}, 403),
        ({"origin": "http://evil.example"}, 403),
        ({"host": "evil.example:8765"}, 400),
        ({"host": "127.0.0.1.nip.io"}, 400),
    ],
)
def test_a_change_from_elsewhere_is_refused(site, headers, status) -> None:
    kept = site.lesson.read_text()
    version = site.client().get("/api/scenes").json()["version"]
    client = site.client(**{"x-studio-token": site.token, **headers})
    body = {"scene": "tangent", "params": {"limit_at": 3.0}, "version": version}
    answer = client.post("/api/params", json=body)
    assert answer.status_code == status
    assert site.lesson.read_text() == kept


def test_a_page_reached_through_another_name_is_refused(site) -> None:
    """DNS rebinding: a name of the attacker's pointing at 127.0.0.1."""
    for path in ("/", "/api/scenes", "/api/frame?scene=tangent&t=1"):
        answer = site.client(host="rebound.example:8765").get(path)
        assert answer.status_code == 400 and "token" not in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/../lesson.toml",
        "/static/..%2f..%2flesson.toml",
        "/static/%2e%2e/%2e%2e/mathvid/cli.py",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/..%2f..%2fetc/passwd",
        "/api/clip?scene=..%2f..%2fetc%2fpasswd",
    ],
)
def test_no_file_outside_the_studio_is_served(site, path) -> None:
    answer = site.client().get(path)
    assert answer.status_code in (400, 404)
    assert "root:" not in answer.text and "title =" not in answer.text


def test_the_studios_own_files_are_served(site) -> None:
    page = site.client().get("/")
    assert page.status_code == 200 and 'src="/static/studio.js"' in page.text
    script = site.client().get("/static/studio.js")
    assert script.status_code == 200 and "askFrame" in script.text


def test_it_listens_on_the_loopback_address_only(site) -> None:
    port = int(site.url.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian


def changed(scenes: set[str]):
    """Whether the scenes said changed so far (a code edit says the one looked at
    first, the others once the lesson is read) are ``scenes``: none missing, none
    more."""
    said: set[str] = set()

    def test(event: dict) -> bool:
        if event["type"] != "changed":
            return False
        said.update(event["scenes"])
        return said == scenes

    return test


def test_an_edit_made_outside_reaches_the_event_stream(site) -> None:
    events = Events(site)
    text = site.lesson.read_text()
    start = events.mark()
    site.lesson.write_text(
        text.replace('title = "The table of derivatives"', 'title = "T"')
    )
    events.wait_for(changed(set()), start)  # a title: no scene's pictures change
    start = events.mark()
    site.lesson.write_text(re.sub(r"limit_at = [-\d.]+", "limit_at = 0.5", text))
    events.wait_for(changed({"tangent"}), start)
    scenes = site.client().get("/api/scenes").json()["scenes"]
    assert next(p["value"] for p in scenes[0]["params"] if p["name"] == "limit_at") == 0.5


def test_a_code_edit_is_drawn_and_a_scene_that_raises_is_one_line(site) -> None:
    events = Events(site)
    module = site.root / "scenes" / "derivatives.py"
    original = module.read_text()
    client = site.client()
    start = events.mark()
    construct = "    def construct(self) -> None:\n"
    failing = construct + "        raise ValueError('studio test: broken')\n"
    module.write_text(original.replace(construct, failing))
    try:
        events.wait_for(changed({"tangent", "table"}), start)
        answer = client.get("/api/frame", params={"scene": "table", "t": 1.0})
        assert answer.status_code == 422
        assert answer.json()["error"] == "studio test: broken"
    finally:
        start = events.mark()
        module.write_text(original)
    events.wait_for(changed({"tangent", "table"}), start)
    answer = client.get("/api/frame", params={"scene": "table", "t": 1.0})
    assert answer.status_code == 200  # the server kept running


def test_a_code_edit_says_the_scene_looked_at_first_and_draws_it_as_preview(
    site, tmp_path
) -> None:
    """The scene looked at is said changed before the lesson's other scenes are
    read; its frame, asked at once, is the very picture a preview draws."""
    events = Events(site)
    client = site.client()
    assert client.get("/api/frame", params={"scene": "table", "t": 0.5}).status_code == 200
    module = site.root / "scenes" / "derivatives.py"
    original = module.read_text()
    start = events.mark()
    module.write_text(original + "# studio test: a comment, the same pictures\n")
    try:
        first = events.wait_for(lambda e: e["type"] == "changed", start)
        assert first["scenes"] == ["table"]
        answer = client.get("/api/frame", params={"scene": "table", "t": 4.5})
        assert answer.status_code == 200
        still = preview(site.lesson, "table", tmp_path, at="4.5s")  # in this process
        expected = np.asarray(Image.open(still).convert("RGB"))
        assert np.array_equal(pixels(answer.content), expected)
        events.wait_for(changed({"tangent", "table"}), start)  # then the others
    finally:
        start = events.mark()
        module.write_text(original)
        events.wait_for(changed({"tangent", "table"}), start)


def test_play_renders_a_clip_that_is_not_current_and_then_serves_it(site) -> None:
    events = Events(site)
    client = site.client()
    start = events.mark()
    answer = client.get("/api/clip", params={"scene": "table"})
    assert answer.status_code == 202
    ready = events.wait_for(lambda e: e["type"] == "clip" and "ready" in e, start, 300)
    assert ready["scene"] == "table"
    progress = [e["progress"] for e in events.seen[start:] if e["type"] == "clip"]
    assert progress == sorted(progress) and progress[-1] == 1.0
    answer = client.get("/api/clip", params={"scene": "table"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "video/mp4"
    rendered = site.media / "lesson" / "scenes" / "table" / "l" / "scene.mp4"
    assert answer.content == rendered.read_bytes()
    with av.open(io.BytesIO(answer.content)) as video:
        table = next(
            s for s in client.get("/api/scenes").json()["scenes"] if s["id"] == "table"
        )
        # At 15 frames a second each play is rounded up to whole frames (the studio's
        # timeline is the preview's, at Manim's default rate): a few percent longer.
        assert video.duration / 1e6 == pytest.approx(table["duration"], rel=0.05)


def test_a_formula_goes_through_the_safe_parser_only(site, tmp_path) -> None:
    kept = site.lesson.read_text()
    marker = tmp_path / "ran"
    attack = f"__import__('os').system('touch {marker}')"
    answer = post_params(site, {"function": attack})
    assert answer.status_code == 422
    assert "function" in answer.json()["error"] and "\n" not in answer.json()["error"]
    assert site.lesson.read_text() == kept and not marker.exists()
