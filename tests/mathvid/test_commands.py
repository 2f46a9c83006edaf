"""The ``mathvid`` command end to end, at low quality, on a two-scene lesson."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
import webvtt
from PIL import Image

from lesson.words.said import slug
from mathvid.publish.vtt import from_srt
from scenes.derivatives import DerivativeTable, TangentLine
from tests.mathvid.command import ROOT, cli_args, mathvid
from tests.mathvid.conftest import poll
from tests.sharing import seeded

# Silent: what these tests check does not depend on speech (test_narration.py
# renders the narrated lesson).
LESSON = """title = "Two scenes"
voice = "none"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "The tangent line"
{tangent}
[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "The table of derivatives"
{table}"""


SCENES = {"tangent": TangentLine, "table": DerivativeTable}


def lesson_file(folder: Path, name: str, tangent: str = "", table: str = "") -> Path:
    path = folder / f"{name}.toml"
    params = [f"[scene.params]\n{p}\n" if p else "" for p in (tangent, table)]
    path.write_text(LESSON.format(tangent=params[0], table=params[1]))
    return path


def hashed_name(lesson: Path) -> str:
    """The media folder's name of a lesson file whose plain name is taken (README)."""
    return f"{lesson.stem}-{hashlib.sha256(str(lesson.resolve()).encode()).hexdigest()[:8]}"


@contextlib.contextmanager
def rewritten(path: Path, text: str) -> Iterator[Path]:
    """The file ``path`` holding ``text`` for a while."""
    original = path.read_text()
    path.write_text(text)
    try:
        yield path
    finally:
        path.write_text(original)


@contextlib.contextmanager
def edited(site: dict, tangent: str = "", table: str = "") -> Iterator[Path]:
    """The site's lesson file with these parameters for a while: the same file, so
    the same media folder, whose renders it replaces."""
    params = [f"[scene.params]\n{p}\n" if p else "" for p in (tangent, table)]
    with rewritten(
        site["lesson"], LESSON.format(tangent=params[0], table=params[1])
    ) as path:
        yield path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict[str, Path]:
    """A lesson rendered once at low quality: (lesson file, media folder). Its scenes
    are copies of the session's renders of them, which ``mathvid render`` finds
    current."""
    folder = tmp_path_factory.mktemp("site")
    lesson, media = lesson_file(folder, "lesson"), folder / "media"
    seeded(media, lesson, scene_media, SCENES)
    done = mathvid("render", "-q", "l", "--lesson", lesson, "--media", media)
    assert done.returncode == 0, done.stderr
    return {"folder": folder, "lesson": lesson, "media": media}


def scene_video(site: dict[str, Path], scene_id: str) -> Path:
    return site["media"] / "lesson" / "scenes" / scene_id / "l" / "scene.mp4"


def finished_picture(clips: list[Path], n: int) -> np.ndarray:
    """Step ``n``'s picture once finished: the first frame of the step after it (a
    clip's last frame is drawn before its last animation ends), or the last frame."""
    with av.open(str(clips[min(n + 1, len(clips) - 1)])) as video:
        frames = video.decode(video=0)
        if n + 1 < len(clips):
            return next(frames).to_ndarray(format="rgb24")
        return [f for f in frames][-1].to_ndarray(format="rgb24")


def seconds(stamp: str) -> float:
    """A WebVTT time, ``HH:MM:SS.mmm``, in seconds."""
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def scene_manifest(site: dict[str, Path], scene_id: str) -> dict:
    import json

    return json.loads((scene_video(site, scene_id).parent / "scene.json").read_text())


def export(site: dict[str, Path], *args: object) -> None:
    """``mathvid export -q l`` of the site's lesson with ``args``; it must succeed."""
    common = ("-q", "l", "--lesson", site["lesson"], "--media", site["media"])
    done = mathvid("export", *common, *args)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def bundle(site: dict[str, Path]) -> Path:
    """The whole lesson's bundle, exported once for the tests that only read it."""
    export(site, site["folder"] / "lecture")
    return site["folder"] / "lecture"


def test_render_writes_each_scene_with_captions_manifest_and_clips(site: dict) -> None:
    for scene_id in ("tangent", "table"):
        folder = scene_video(site, scene_id).parent
        with av.open(str(folder / "scene.mp4")) as video:
            assert video.streams.video[0].height == 480
        assert (folder / "scene.srt").read_text().strip()
        assert (folder / "scene.json").read_text().startswith("{")
        assert len(list((folder / "sections").glob("*.mp4"))) >= 3


def test_unchanged_scenes_are_not_rendered_again(site: dict) -> None:
    def written(scene_id: str) -> tuple[int, int, str]:
        # A render writes a new file and renames it into place: a new inode and time.
        video = scene_video(site, scene_id)
        return video.stat().st_ino, video.stat().st_mtime_ns, digest(video)

    before = {s: written(s) for s in ("tangent", "table")}
    done = mathvid(
        "render", "-q", "l", "--lesson", site["lesson"], "--media", site["media"]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("unchanged") >= 1 or "unchanged" in done.stderr
    assert {s: written(s) for s in before} == before


def test_lesson_has_a_chapter_per_scene_and_parseable_captions(site: dict) -> None:
    done = mathvid(
        "lesson", "-q", "l", "--lesson", site["lesson"], "--media", site["media"]
    )
    assert done.returncode == 0, done.stderr
    out = site["media"] / "lesson" / "lesson" / "l"
    with av.open(str(out / "lesson.mp4")) as video:
        chapters = video.chapters()
        frames = sum(1 for _ in video.decode(video=0))
        duration = float(video.duration) / 1e6
    assert [c["metadata"]["title"] for c in chapters] == [
        "The tangent line",
        "The table of derivatives",
    ]
    scene_frames = 0
    for scene_id in ("tangent", "table"):
        with av.open(str(scene_video(site, scene_id))) as video:
            scene_frames += sum(1 for _ in video.decode(video=0))
    assert frames == scene_frames
    first_end = float(chapters[0]["end"] * chapters[0]["time_base"])
    assert chapters[1]["start"] == chapters[0]["end"]
    assert float(chapters[1]["end"] * chapters[1]["time_base"]) == pytest.approx(
        duration, 0.01
    )
    cues = webvtt.read(str(out / "lesson.vtt"))
    subtitles = from_srt((out / "lesson.srt").read_text())
    assert len(cues) == len(subtitles) >= 6
    # The table's first caption starts where its chapter starts.
    table_cue = next(c for c in cues if "rule for its slope" in c.text)
    hours, minutes, seconds = table_cue.start.split(":")
    start = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    assert start == pytest.approx(first_end, abs=0.01)
    for scene_id in ("tangent", "table"):
        assert Image.open(out / "posters" / f"{scene_id}.png").size == (854, 480)


def test_the_lesson_output_holds_only_the_lessons_scenes(site: dict) -> None:
    args = ("lesson", "-q", "l", "--lesson", site["lesson"], "--media", site["media"])
    out = site["media"] / "lesson" / "lesson" / "l"
    done = mathvid(*args)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "posters").iterdir()) == [
        "table.png",
        "tangent.png",
    ]
    only_tangent = LESSON.format(tangent="", table="").split('[[scene]]\nid = "table"')[0]
    with rewritten(site["lesson"], only_tangent):
        done = mathvid(*args)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "posters").iterdir()) == ["tangent.png"]
    with av.open(str(out / "lesson.mp4")) as video:
        assert [c["metadata"]["title"] for c in video.chapters()] == ["The tangent line"]


def test_lesson_files_of_the_same_name_keep_their_own_outputs(site: dict) -> None:
    ours = scene_video(site, "tangent")
    before = digest(ours)
    (site["folder"] / "elsewhere").mkdir(exist_ok=True)
    other = lesson_file(site["folder"] / "elsewhere", "lesson", "sweep_seconds = 1.5")
    done = mathvid(
        "render", "tangent", "-q", "l", "--lesson", other, "--media", site["media"]
    )
    assert done.returncode == 0, done.stderr
    theirs = Path(done.stdout.splitlines()[-1].removeprefix("tangent: "))
    assert theirs == site["media"] / hashed_name(other) / "scenes/tangent/l/scene.mp4"
    assert digest(ours) == before and digest(theirs) != before
    assert '"sweep_seconds": 1.5' in theirs.with_suffix(".json").read_text()
    for lesson, folder in ((site["lesson"], "lesson"), (other, hashed_name(other))):
        owner = site["media"] / folder / ".lesson"
        assert owner.read_text() == f"{lesson.resolve()}\n"


def test_preview_of_a_moment_and_of_a_step(site: dict) -> None:
    args = ("--lesson", site["lesson"], "--media", site["media"])
    pngs = []
    for moment in (("--at", "4s"), ("--step", "2"), ("--step", "Secant becomes tangent")):
        done = mathvid("preview", "tangent", *moment, *args)
        assert done.returncode == 0, done.stderr
        pngs.append(Path(done.stdout.strip()))
        assert pngs[-1].exists() and Image.open(pngs[-1]).size == (960, 540)
    assert pngs[0].name == "tangent-4s.png"
    assert pngs[1] == pngs[2] and pngs[1].name == "tangent-secant-becomes-tangent.png"
    done = mathvid("preview", "tangent", "--step", "No such step", *args)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "Sweeping the tangent" in done.stderr  # it lists the steps there are


@pytest.mark.parametrize(
    ("moment", "says"),
    [
        (["--at", "3"], "--at 3: write seconds as 3s, or say --step 3 for step 3"),
        (["--at", "3.5"], "--at 3.5: write seconds as 3.5s"),
        (["--at", "Secant"], "for a step, say --step 'Secant'"),
        (["--at", "1s", "--step", "1"], "not both"),
        (["--at", "1000s"], "--at 1000s: tangent lasts "),
    ],
)
def test_preview_refuses_an_ambiguous_or_missing_moment(
    site: dict, moment: list[str], says: str
) -> None:
    args = ("--lesson", site["lesson"], "--media", site["media"])
    done = mathvid("preview", "tangent", *moment, *args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr


def test_a_killed_render_leaves_the_previous_output_intact(site: dict) -> None:
    before = digest(scene_video(site, "tangent"))
    with edited(site, tangent="sweep_seconds = 1.5") as changed:
        proc = subprocess.Popen(
            cli_args(
                "render",
                "tangent",
                "-q",
                "l",
                "--lesson",
                changed,
                "--media",
                site["media"],
            ),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        tmp = site["media"] / "lesson" / ".tmp"
        deadline = time.monotonic() + 120
        while (
            not list(tmp.glob("tangent-*/manim/**/*.mp4")) and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        assert proc.poll() is None, "the render ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert digest(scene_video(site, "tangent")) == before
    with av.open(str(scene_video(site, "tangent"))) as video:
        assert sum(1 for _ in video.decode(video=0)) > 100
    folder = scene_video(site, "tangent").parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "inputs.key",
        "pictures.key",
        "plays.json",
        "scene.json",
        "scene.mp4",
        "scene.srt",
        "sections",
        "sections.json",
    ]


def test_two_commands_at_once_do_not_corrupt_each_other(site: dict) -> None:
    with edited(site, table="h = 1e-6") as changed:
        argv = cli_args(
            "render", "table", "-q", "l", "--lesson", changed, "--media", site["media"]
        )
        procs = [
            subprocess.Popen(
                argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    # One rendered; the other waited for the scene's lock and found it current.
    assert sum("unchanged" in out + err for out, err in outputs) == 1
    manifest = (scene_video(site, "table").parent / "scene.json").read_text()
    assert '"h": 1e-06' in manifest
    with av.open(str(scene_video(site, "table"))) as video:
        assert sum(1 for _ in video.decode(video=0)) > 100


def test_a_scene_that_raises_is_named_and_the_others_are_kept(
    site: dict, tmp_path: Path
) -> None:
    # Every parameter a file sets is checked at load; what can still fail is the
    # render itself: here LaTeX, on the tangent scene's formula alone.
    fake = tmp_path / "bin"
    fake.mkdir()
    real = shutil.which("latex")
    (fake / "latex").write_text(
        '#!/bin/sh\nfor f; do last="$f"; done\n'
        f'grep -q 7777 "$last" && exit 1\nexec {real} "$@"\n'
    )
    (fake / "latex").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    table_before = scene_video(site, "table").parent / "inputs.key"
    tangent = 'function = "x**2 + 7777*x"'
    with edited(site, tangent=tangent, table="h = 1e-5") as broken:
        done = mathvid(
            "render", "-q", "l", "--lesson", broken, "--media", site["media"], env=env
        )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("mathvid:")]
    assert len(errors) == 1 and "tangent" in errors[0] and "Traceback" not in done.stderr
    assert (
        table_before.exists()
        and '"h": 1e-05' in (scene_video(site, "table").parent / "scene.json").read_text()
    )


def test_missing_latex_is_one_line_naming_the_fix(site: dict, tmp_path: Path) -> None:
    changed = lesson_file(site["folder"], "nolatex", tangent="sweep_seconds = 1.25")
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no latex, no dvisvgm
    done = mathvid(
        "render", "-q", "l", "--lesson", changed, "--media", site["media"], env=env
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "latex" in done.stderr and "make setup" in done.stderr


def test_a_killed_render_leaves_no_worker_and_its_work_is_cleaned(site: dict) -> None:
    from mathvid.run.render import alive, clean_left_behind

    lesson = lesson_file(site["folder"], "killed", tangent="sweep_seconds = 1.75")
    media = site["media"] / "killed"
    proc = subprocess.Popen(
        cli_args(
            "render", "-q", "l", "--lesson", lesson, "--media", site["media"], "tangent"
        ),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (work := list((media / ".tmp").glob("tangent-l-*"))):
        assert time.monotonic() < deadline and proc.poll() is None, "no worker started"
        time.sleep(0.05)
    worker = int(work[0].name.rsplit("-", 2)[-2])
    proc.kill()  # kill -9 of the main process only
    proc.wait()
    deadline = time.monotonic() + 10
    while alive(worker):
        assert time.monotonic() < deadline, "the worker outlived the main process"
        time.sleep(0.05)
    time.sleep(0.5)
    assert not (media / "scenes" / "tangent").exists()  # nothing published after it
    assert work[0].exists() and clean_left_behind(media) == work  # the next start
    assert not work[0].exists()


@pytest.mark.parametrize(
    ("script", "says"),
    [("sleep 600", "ran past 2 s"), ("exit 1", "did not produce a log file")],
    ids=["hangs", "fails without a log"],
)
def test_a_latex_that_hangs_or_fails_silently_is_one_line(
    site: dict, tmp_path: Path, script: str, says: str
) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "latex").write_text(f"#!/bin/sh\n{script}\n")
    (fake / "latex").chmod(0o755)
    # A formula no cache holds, so LaTeX must run.
    lesson = lesson_file(
        site["folder"],
        f"fake-{len(script)}",
        tangent=f'function = "x**3 - {len(script)}.123*x"',
    )
    env = {
        **os.environ,
        "PATH": f"{fake}:{os.environ['PATH']}",
        "MATHVID_LATEX_SECONDS": "2",
        "MATHVID_TEX_CACHE": str(tmp_path / "Tex"),
    }
    start = time.monotonic()
    done = mathvid(
        "preview",
        "tangent",
        "--step",
        "1",
        "--lesson",
        lesson,
        "--media",
        site["media"],
        env=env,
    )
    assert done.returncode == 1 and time.monotonic() - start < 60
    assert done.stderr.strip().count("\n") == 0 and says in done.stderr
    assert "Traceback" not in done.stderr


def test_help_shows_examples() -> None:
    done = mathvid("--help")
    assert done.returncode == 0
    for command in (
        "mathvid list",
        "mathvid check",
        "mathvid render",
        "mathvid preview",
        "mathvid lesson",
        "mathvid export",
        "mathvid scenes",
    ):
        assert command in done.stdout
    # The options every command shares are said at the top, not only per command.
    assert "--lesson FILE" in done.stdout and "media/<lesson>/" in done.stdout


# The lecture page, in real headless Chromium (the browser fixture: conftest.py).
BAND = """return {caption: document.getElementById('caption').getBoundingClientRect().top,
        video: document.getElementById('video').getBoundingClientRect().bottom};"""
STATE = """const v = document.getElementById('video');
return {step: Number(document.body.dataset.step), src: v.currentSrc, ready: v.readyState,
        time: v.currentTime, width: v.videoWidth, error: v.error && v.error.code,
        caption: document.querySelector('#caption span').textContent, paused: v.paused,
        fullscreen: document.fullscreenElement && document.fullscreenElement.id,
        current: document.querySelector('nav li.current').textContent};"""


def wait_for(driver, predicate, seconds: float = 15.0) -> dict:
    return poll(driver, STATE, predicate, seconds)


def test_lecture_page_plays_every_step_from_file_url(
    site: dict, bundle: Path, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    steps = []
    for scene_id in ("tangent", "table"):
        manifest = scene_manifest(site, scene_id)
        steps += [(scene_id, s["name"], s["caption"]) for s in manifest["steps"]]

    browser.get((bundle / "index.html").as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    for i, (scene_id, name, caption) in enumerate(steps):
        state = wait_for(
            browser, lambda s: (s["ready"] >= 2 and s["time"] > 0.2) or s["error"]
        )
        assert state["step"] == i and state["current"] == name
        clip = Path(state["src"].removeprefix("file://"))
        assert clip.is_file() and clip.parent.name == scene_id and bundle in clip.parents
        assert state["error"] is None and state["width"] == 854  # decoded, playing
        # The caption's first cue: a long caption is cut into cues read in turn.
        shown = state["caption"].split()
        assert shown and caption.split()[: len(shown)] == shown, state["caption"]
        if i + 1 < len(steps):
            body.send_keys(Keys.ARROW_RIGHT)
            wait_for(browser, lambda s, i=i: s["step"] == i + 1)
    last = len(steps) - 1
    body.send_keys(Keys.ARROW_RIGHT)  # past the end: stays on the last step
    assert wait_for(browser, lambda s: False, seconds=0.5)["step"] == last
    # Back replays a step that has been playing, and goes to the previous one at its start.
    wait_for(browser, lambda s: s["time"] > 1.2)
    body.send_keys(Keys.ARROW_LEFT)
    state = wait_for(browser, lambda s: s["time"] < 1.0)
    assert state["step"] == last and state["time"] < 1.0
    body.send_keys(Keys.ARROW_LEFT)
    assert wait_for(browser, lambda s: s["step"] == last - 1)["step"] == last - 1
    # A click on the video pauses inside the step and another resumes; so does Space.
    video = browser.find_element(By.ID, "video")
    for pause_it in (video.click, lambda: body.send_keys(Keys.SPACE)):
        pause_it()
        paused = wait_for(browser, lambda s: s["paused"])
        assert paused["step"] == last - 1
        assert wait_for(browser, lambda s: False, seconds=0.4)["time"] == paused["time"]
        pause_it()
        assert (
            wait_for(browser, lambda s, p=paused: s["time"] > p["time"])["step"] == last - 1
        )
    body.send_keys("n")  # N, like →, goes on
    assert wait_for(browser, lambda s: s["step"] == last)["step"] == last
    # Captions sit in a band of their own, under the picture.
    band = browser.execute_script(BAND)
    assert band["caption"] >= band["video"] - 1
    # F: the stage fills the screen, and back; H hides the chapter list, and back.
    body.send_keys("f")
    assert wait_for(browser, lambda s: s["fullscreen"] == "stage")["step"] == last
    body.send_keys("f")
    wait_for(browser, lambda s: s["fullscreen"] is None)
    body.send_keys("h")
    assert not browser.find_element(By.ID, "chapters").is_displayed()
    body.send_keys("h")
    assert browser.find_element(By.ID, "chapters").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "nav li[data-step='1']").click()
    assert wait_for(browser, lambda s: s["step"] == 1)["current"] == steps[1][1]
    chapters = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "nav h2")]
    assert chapters == ["The tangent line", "The table of derivatives"]
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


HOSTILE = [
    "<!--<script>",
    "</script><script>window.pwned = 1</script>",
    "<img src=x onerror='window.pwned = 2'>",
    "{{ title }} {{DATA}} {% raw %} \u2028 \u2029 & &amp; \" ' `${x}`",
]


def test_lecture_page_shows_hostile_titles_as_text_and_runs_none(
    tmp_path: Path, browser
) -> None:
    from selenium.webdriver.common.by import By

    from mathvid.publish.export import page

    scenes = [
        {
            "id": f"s{i}",
            "title": text,
            "poster": "none.png",
            "steps": [
                {
                    "name": text,
                    "clip": "none.mp4",
                    "duration": 1.0,
                    "cues": [{"start": 0.0, "end": 9.0, "text": text}],
                }
            ],
        }
        for i, text in enumerate(HOSTILE)
    ]
    (tmp_path / "index.html").write_text(
        page("{{DATA}} </title>" + HOSTILE[1], {"title": HOSTILE[0], "scenes": scenes}),
        encoding="utf-8",
    )
    browser.get((tmp_path / "index.html").as_uri())
    chapters = [
        h.get_attribute("textContent")
        for h in browser.find_elements(By.CSS_SELECTOR, "nav h2")
    ]
    names = [
        li.get_attribute("textContent")
        for li in browser.find_elements(By.CSS_SELECTOR, "nav li")
    ]
    assert chapters == HOSTILE and names == HOSTILE
    assert browser.title == "{{DATA}} </title>" + HOSTILE[1]
    heading = browser.find_element(By.CSS_SELECTOR, "nav h1").get_attribute("textContent")
    assert heading == HOSTILE[0]
    assert browser.execute_script("return window.pwned === undefined")


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` into the file ``path``, the same file afterwards."""
    path.write_text(text)


def replace(path: Path, text: str) -> None:
    """Write ``text`` to a new file and rename it over ``path``, as ``sed -i``, gedit
    or JetBrains save: a new file, under the old name."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text)
    os.replace(new, path)


@pytest.mark.parametrize("save", [rewrite, replace], ids=lambda f: f.__name__)
def test_preview_watch_draws_again_when_the_lesson_changes(site: dict, save) -> None:
    lesson = lesson_file(
        site["folder"], f"watched-{save.__name__}", tangent="rest_points = [-1.0, 0.0, 2.0]"
    )
    png = site["media"] / lesson.stem / "previews" / "tangent-sweeping-the-tangent.png"
    png.unlink(missing_ok=True)
    proc = subprocess.Popen(
        cli_args(
            "preview",
            "tangent",
            "--step",
            "3",
            "--watch",
            "--lesson",
            lesson,
            "--media",
            site["media"],
        ),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not png.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        first = digest(png)
        inode = lesson.stat().st_ino
        save(lesson, lesson.read_text().replace("2.0]", "1.0]"))
        assert (lesson.stat().st_ino == inode) == (save is rewrite)
        while digest(png) == first and time.monotonic() < deadline + 60:
            time.sleep(0.2)
        assert digest(png) != first  # the tangent now rests at x = 1: a new picture
        if save is replace:  # and the file that replaced the old one is still watched
            second = digest(png)
            save(lesson, lesson.read_text().replace("1.0]", "0.5]"))
            while digest(png) == second and time.monotonic() < deadline + 120:
                time.sleep(0.2)
            assert digest(png) != second
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_a_missing_system_library_is_one_line(site: dict, tmp_path: Path) -> None:
    # pycairo that cannot load libcairo, as on a machine without the system package.
    fake = tmp_path / "cairo"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise ImportError('libcairo.so.2: cannot open shared object file', name='cairo')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = mathvid("render", "--lesson", site["lesson"], "--media", site["media"], env=env)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "cairo" in done.stderr and "make setup" in done.stderr


def test_list_shows_scenes_steps_and_durations_from_the_renders(site: dict) -> None:
    import json

    # The renders of the lesson as it is (tests before may have left others).
    args = ("--lesson", site["lesson"], "--media", site["media"])
    assert mathvid("render", "-q", "l", *args).returncode == 0
    done = mathvid("list", "--lesson", site["lesson"], "--media", site["media"])
    assert done.returncode == 0, done.stderr
    assert "≈" not in done.stdout  # every length read from the renders, none estimated
    for scene_id in ("tangent", "table"):
        manifest = json.loads(
            (scene_video(site, scene_id).parent / "scene.json").read_text()
        )
        assert f"{scene_id}  " in done.stdout
        assert f"({manifest['duration']:.1f} s," in done.stdout
        for step in manifest["steps"]:
            assert step["name"] in done.stdout


def test_export_of_some_scenes_names_clips_by_step_and_writes_gif_and_webm(
    site: dict,
) -> None:
    import json

    bundle = site["folder"] / "lecture-table"
    export(site, bundle, "table", "--gif", "--webm")
    page = (bundle / "index.html").read_text()
    opening = 'id="lesson-data" type="application/json">'
    start = page.index(opening) + len(opening)
    data = json.loads(page[start : page.index("</script>", start)])
    assert [s["id"] for s in data["scenes"]] == ["table"]
    manifest = scene_manifest(site, "table")
    names = [f"{n + 1:02d}-{slug(s['name'])}" for n, s in enumerate(manifest["steps"])]
    assert [s["clip"] for s in data["scenes"][0]["steps"]] == [
        f"clips/table/{name}.mp4" for name in names
    ]
    files = sorted(p.name for p in (bundle / "clips" / "table").iterdir())
    clips = [f"{name}.{kind}" for name in names for kind in ("gif", "mp4", "webm")]
    pages = [f"{name}.embed.html" for name in names]
    assert files == sorted([*clips, *pages, "descriptions.vtt"])
    assert not (bundle / "clips" / "tangent").exists()
    for name in names:
        lengths = []
        for kind in ("mp4", "gif", "webm"):
            with av.open(str(bundle / "clips" / "table" / f"{name}.{kind}")) as clip:
                lengths.append(clip.duration / 1e6)
        assert lengths == pytest.approx([lengths[0]] * 3, abs=0.05)


def test_presenter_view_drives_the_lecture_window_from_file_url(
    site: dict, bundle: Path, browser
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    steps = []
    for scene_id in ("tangent", "table"):
        steps += [
            (scene_id, n, s) for n, s in enumerate(scene_manifest(site, scene_id)["steps"])
        ]
    # Each step's poster is its finished picture: the next step's first frame.
    clips = sorted((bundle / "clips" / "tangent").glob("*.mp4"))
    for n in range(len(clips)):
        poster = np.asarray(
            Image.open(bundle / "posters" / "tangent" / f"{clips[n].stem}.png")
        )
        assert np.array_equal(poster[..., :3], finished_picture(clips, n))

    browser.get((bundle / "index.html").as_uri())
    audience = browser.current_window_handle
    browser.find_element(By.TAG_NAME, "body").send_keys("p")
    WebDriverWait(browser, 10).until(lambda d: len(d.window_handles) == 2)
    presenter = next(h for h in browser.window_handles if h != audience)

    def on(window, script):
        browser.switch_to.window(window)
        return browser.execute_script(script)

    def presenter_at(i: int) -> dict:
        text = lambda id_: f"document.getElementById('{id_}').textContent"  # noqa: E731
        script = f"""return {{step: document.body.dataset.step, now: {text("now-title")},
                    next: {text("next-title")}, notes: {text("notes-text")},
                    clock: {text("clock")}, paused: document.body.dataset.paused}};"""
        WebDriverWait(browser, 20).until(lambda d: on(presenter, script)["step"] == str(i))
        return on(presenter, script)

    state = presenter_at(0)
    assert state["now"] == f"1. {steps[0][2]['name']}"
    assert state["next"] == f"2. {steps[1][2]['name']}"
    assert state["notes"] == steps[0][2]["caption"]  # silent: the notes are the caption
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    state = presenter_at(1)
    assert on(audience, "return document.body.dataset.step") == "1"
    assert state["notes"] == steps[1][2]["caption"]
    on(presenter, "return 0")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.SPACE)
    WebDriverWait(browser, 10).until(lambda d: on(audience, "return video.paused"))
    WebDriverWait(browser, 10).until(lambda d: presenter_at(1)["paused"] == "true")
    time.sleep(1.1)
    assert presenter_at(1)["clock"] >= "00:01"
    browser.switch_to.window(presenter)
    browser.close()
    browser.switch_to.window(audience)


def test_single_file_plays_with_no_other_file(site: dict, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    folder = site["folder"] / "single"
    folder.mkdir()
    out = folder / "lesson.html"
    export(site, "--single-file", out, "table")
    assert [p.name for p in folder.iterdir()] == ["lesson.html"]
    browser.get(out.as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    for i in range(2):
        state = wait_for(
            browser, lambda s: (s["ready"] >= 2 and s["time"] > 0.2) or s["error"]
        )
        assert state["step"] == i and state["error"] is None and state["width"] == 854
        assert state["src"].startswith("data:video/mp4;base64,")
        body.send_keys(Keys.ARROW_RIGHT)
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(name.startswith("data:") for name in loaded), loaded
    body.send_keys("p")  # no presenter's view: it would be a second file
    assert len(browser.window_handles) == 1


def test_nothing_plays_by_itself_for_a_viewer_who_asked_for_less_motion(
    bundle: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from tests.mathvid.conftest import chromium

    calm = chromium("--force-prefers-reduced-motion")
    try:
        calm.get((bundle / "index.html").as_uri())
        assert calm.execute_script("return calm.matches")
        body = calm.find_element(By.TAG_NAME, "body")
        state = wait_for(calm, lambda s: False, seconds=1.0)
        assert state["paused"] and state["time"] == 0 and state["ready"] >= 1
        body.send_keys(Keys.SPACE)  # the viewer plays it
        assert wait_for(calm, lambda s: s["time"] > 0.2)["time"] > 0.2
        body.send_keys(Keys.ARROW_RIGHT)  # the next step waits to be played
        state = wait_for(calm, lambda s: False, seconds=1.0)
        assert state["step"] == 1 and state["paused"] and state["time"] == 0
    finally:
        calm.quit()


def test_pptx_deck_reads_back_slide_by_slide(site: dict) -> None:
    import json

    from lxml import etree
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from lesson.manifest import Step
    from mathvid.publish.transcript import words

    out = site["folder"] / "deck" / "lesson.pptx"
    out.parent.mkdir()
    export(site, "--pptx", out)
    assert [p.name for p in out.parent.iterdir()] == ["lesson.pptx"]
    deck = Presentation(str(out))
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == "Two scenes"
    expected = []
    for scene_id, title in (
        ("tangent", "The tangent line"),
        ("table", "The table of derivatives"),
    ):
        folder = scene_video(site, scene_id).parent
        manifest = json.loads((folder / "scene.json").read_text())
        clips = json.loads((folder / "sections.json").read_text())
        for step, clip in zip(manifest["steps"], clips, strict=True):
            expected.append((scene_id, title, step, folder / clip["clip"]))
    assert len(slides) == 1 + len(expected)
    for slide, (_, title, step, clip) in zip(slides[1:], expected, strict=True):
        assert slide.shapes.title.text == f"{step['name']} ({title})"
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        media = [
            rel.target_part.blob
            for rel in slide.part.rels.values()
            if rel.reltype.endswith("/media") or rel.reltype.endswith("/video")
        ]
        assert clip.read_bytes() in media  # the step's clip itself, sound and all
        boxes = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        # The captions as slide text: its cues in one paragraph, with no line breaks.
        assert " ".join(step["caption"].split()) in boxes
        assert slide.notes_slide.notes_text_frame.text == words(Step.from_dict(step))
        # The clip is shown by its poster: the step's finished picture.
        clips = [c for _, t, _, c in expected if t == title]
        last = finished_picture(clips, clips.index(clip))
        pictures = [
            np.asarray(Image.open(io.BytesIO(rel.target_part.blob)).convert("RGB"))
            for rel in slide.part.rels.values()
            if rel.reltype.endswith("/image")
        ]
        assert any(np.array_equal(p, last) for p in pictures)
    # A section per scene, after the title's, each holding its steps' slides.
    root = deck.part._element
    p14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
    sections = root.findall(f".//{{{p14}}}section")
    assert [s.get("name") for s in sections] == [
        "Title",
        "The tangent line",
        "The table of derivatives",
    ]
    counts = [len(s.findall(f".//{{{p14}}}sldId")) for s in sections]
    assert counts == [1, *(sum(e[0] == i for e in expected) for i in ("tangent", "table"))]
    assert etree.QName(root[-1]).localname == "extLst"


def test_pptx_deck_converts_to_pdf_page_by_page(site: dict, tmp_path: Path) -> None:
    """LibreOffice (Debian's, headless) opens the deck: a page per slide, each with
    its title, its captions and its clip's poster."""
    deck = site["folder"] / "deck-pdf.pptx"
    export(site, "--pptx", deck, "table")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    converted = subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp_path,
            deck,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "deck-pdf.pdf"
    assert pdf.exists(), converted.stdout + converted.stderr
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    manifest = scene_manifest(site, "table")
    pages = next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:"))
    assert int(pages) == 1 + len(manifest["steps"])
    for page, step in enumerate(manifest["steps"], start=2):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
            capture_output=True,
            text=True,
        ).stdout
        flat = " ".join(text.split())
        assert f"{step['name']} (The table of derivatives)" in flat
        assert " ".join(step["caption"].split())[:40] in flat
        subprocess.run(
            ["pdftoppm", "-r", "30", "-png", "-f", str(page), "-l", str(page), pdf,
             tmp_path / "page"],
            check=True,
        )  # fmt: skip
        picture = np.asarray(
            Image.open(next(tmp_path.glob(f"page-*{page}.png"))).convert("L")
        )
        h, w = picture.shape
        clip = picture[h // 5 : 4 * h // 5, w // 5 : 4 * w // 5]
        assert clip.mean() < 60 and clip.std() > 5  # the dark poster, with its drawing


def test_descriptions_say_what_each_step_shows_in_track_page_and_transcript(
    site: dict, bundle: Path, browser
) -> None:
    from selenium.webdriver.common.by import By

    manifest = scene_manifest(site, "table")
    track = webvtt.read(str(bundle / "clips" / "table" / "descriptions.vtt"))
    assert len(track) == len(manifest["steps"])
    ends = [s["start"] for s in manifest["steps"][1:]] + [manifest["duration"]]
    for cue, step, end in zip(track, manifest["steps"], ends, strict=True):
        assert seconds(cue.start) == pytest.approx(step["start"], abs=1e-3)
        assert seconds(cue.end) == pytest.approx(end, abs=1e-3)
        assert cue.text == " ".join(step["draws"].split())  # what the step draws
    # Sentences, not a dump of recorded values.
    told = " ".join(cue.text for cue in track)
    assert "Shown:" not in told and "rows" not in told, told
    browser.get((bundle / "index.html").as_uri())
    script = """const t = document.getElementById('video').textTracks[0];
        const live = document.getElementById('description');
        return {kind: t.kind, cue: t.cues.length ? t.cues[0].text : null,
                live: live.getAttribute('aria-live'), text: live.textContent};"""
    state = browser.execute_script(script)
    first = webvtt.read(str(bundle / "clips" / "tangent" / "descriptions.vtt"))[0].text
    assert state == {"kind": "descriptions", "cue": first, "live": "polite", "text": first}
    description = browser.find_element(By.ID, "description")
    assert description.size["height"] <= 1  # for screen readers; D shows it
    browser.find_element(By.TAG_NAME, "body").send_keys("d")
    assert description.is_displayed() and description.size["height"] > 10
    browser.find_element(By.TAG_NAME, "body").send_keys("d")


EMBED_STATE = """
const video = document.getElementById("video");
const [captions, described] = video.textTracks;
return {ready: video.readyState, duration: video.duration, paused: video.paused,
        time: video.currentTime, poster: window.posterWidth ?? null,
        captions: [captions.kind, captions.mode, [...captions.cues].map(c => c.text)],
        described: [described.kind, [...described.cues].map(c => c.text)],
        describing: document.body.classList.contains("describing"),
        band: document.getElementById("caption").textContent,
        banded: getComputedStyle(document.getElementById("caption")).display !== "none",
        heard: [...captions.activeCues].map(c => c.text).join("\\n")};
"""


@pytest.mark.parametrize("host", ["file", "http"])
def test_a_clips_embed_page_plays_it_alone_with_captions_and_description(
    site: dict, bundle: Path, browser, host: str
) -> None:
    import functools
    import http.server
    import threading

    import webvtt
    from selenium.webdriver.common.action_chains import ActionChains

    manifest = scene_manifest(site, "table")
    name = f"01-{slug(manifest['steps'][0]['name'])}"
    clips = bundle / "clips" / "table"
    with av.open(str(clips / f"{name}.mp4")) as clip:
        length = clip.duration / 1e6
    # What the step says and shows, from the scene's own captions and the bundle's
    # descriptions: every caption heard during the first step, and its description.
    end = manifest["steps"][1]["start"]
    said = [c.content for c in from_srt(scene_video(site, "table").with_suffix(".srt")
            .read_text()) if c.start.total_seconds() < end - 0.01]  # fmt: skip
    shown = webvtt.read(str(clips / "descriptions.vtt"))[0].text
    page = clips / f"{name}.embed.html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(bundle))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser.get_log("browser")  # what earlier tests in this browser logged goes
    try:
        url = page.as_uri() if host == "file" else (
            f"http://127.0.0.1:{server.server_port}/clips/table/{page.name}")  # fmt: skip
        browser.get(url)
        browser.execute_script(
            "const i = new Image(); i.onload = () => { window.posterWidth ="
            " i.naturalWidth; }; i.src = document.getElementById('video').poster;"
        )
        state = poll(browser, EMBED_STATE, lambda s: s["ready"] >= 1 and s["poster"], 20)
        assert state["duration"] == pytest.approx(length, abs=0.07)
        assert state["poster"] == 854
        # The captions track is read into a band under the picture, not drawn on it.
        assert state["captions"] == ["captions", "hidden", said]
        assert state["described"] == ["descriptions", [shown]]
        assert state["paused"] and not state["describing"] and state["banded"]
        body = browser.find_element("tag name", "body")
        ActionChains(browser).send_keys_to_element(body, " ").perform()
        state = poll(browser, EMBED_STATE, lambda s: s["time"] > 0.2 and s["band"], 20)
        assert not state["paused"] and state["band"] == state["heard"] != ""
        ActionChains(browser).send_keys_to_element(body, "c", "d").perform()
        state = browser.execute_script(EMBED_STATE)
        assert not state["banded"] and state["describing"]
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        server.shutdown()
