"""mathvid in a notebook (:mod:`mathvid.notebook`): the demo notebook run headless by
nbclient in a folder with a lesson file, its outputs checked against the render it
made and against the lesson file's own refusals; then run once in JupyterLab, in
Chromium.

One short scene (the derivatives table, silent, at 480p15) keeps it to a few
minutes: the notebook renders it twice (the lesson's values, and the magic cell's),
and draws a handful of frames.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import srt

from lesson.errors import LessonError
from lesson.file import load_lesson
from mathvid.params_doc import param_docs
from mathvid.run.render import Rendered
from scenes.derivatives import DerivativeTable
from tests.mathvid.conftest import poll

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "notebook-demo.ipynb"
LESSON = """title = "Notebook test"
voice = "none"

[[scene]]
id = "derivative-table"
scene = "scenes.derivatives:DerivativeTable"
title = "Derivatives you should know"
"""
PROBES = [
    # The scrub view, moved from code: its frame after each move, its refusal.
    """import hashlib, json
def frame(): return hashlib.sha256(view.image.value).hexdigest()
seen = {"first": frame()}
view.time.value = 7.0
seen["moved"] = frame()
view.params["x"].value = 1.0
seen["changed"] = frame()
view.params["x"].value = -1.0
seen["refused"] = frame()
seen["message"] = view.message.value
seen["steps"] = [label for label, _ in view.step.options]
seen["run"] = [view.manifest.params, [step.name for step in view.manifest.steps]]
seen["fields"] = [
    (f.widget.description, type(f.widget).__name__, f.row.children[1].value)
    for f in view.fields.values()
]
print(json.dumps(seen))""",
    'notebook.show("derivative-table", x=-1.0)',
]


class _Video(HTMLParser):
    """The ``<video>`` of a ``show`` output: its source, tracks and step buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.src, self.tracks, self.starts = "", {}, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "video":
            self.src = a["src"]
        elif tag == "track":
            self.tracks[a["kind"]] = a["src"]
        elif tag == "button":
            self.starts.append(float(a["data-start"]))


def _data(url: str) -> bytes:
    head, _, payload = url.partition(",")
    assert head.endswith(";base64")
    return base64.b64decode(payload)


def _cues(vtt: str) -> list[tuple[float, float, str]]:
    """A WebVTT document's cues, read here (not by mathvid): start, end, text."""
    assert vtt.startswith("WEBVTT")

    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    found = re.findall(r"(\S+) --> (\S+)\n((?:.+\n?)+)", vtt)
    return [(seconds(a), seconds(b), html.unescape(t.strip())) for a, b, t in found]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lesson's folder: its lesson file (one silent scene) and the demo notebook."""
    folder = tmp_path_factory.mktemp("notebook")
    (folder / "lesson.toml").write_text(LESSON, encoding="utf-8")
    shutil.copy(DEMO, folder / DEMO.name)
    return folder


@pytest.fixture(scope="module")
def executed(folder: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo notebook and the probes after it, run by nbclient on a kernel of
    this interpreter (a kernelspec of its own, in a JUPYTER_PATH of its own)."""
    import nbformat
    from nbclient import NotebookClient

    kernels = tmp_path_factory.mktemp("jupyter")
    spec = kernels / "kernels" / "mathvid-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "mathvid test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    notebook = nbformat.read(folder / DEMO.name, as_version=4)
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in PROBES]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels))
        patch.setenv("MATHVID_PREVIEW_DAEMON", "0")  # no daemon left behind
        client = NotebookClient(
            notebook,
            timeout=900,
            kernel_name="mathvid-test",
            resources={"metadata": {"path": str(folder)}},
        )
        client.execute()
    return notebook


def _outputs(notebook, starts: str) -> list:
    cells = [
        c for c in notebook.cells if c.cell_type == "code" and c.source.startswith(starts)
    ]
    assert len(cells) == 1, starts
    return cells[0].outputs


def test_the_demo_notebook_is_stored_without_outputs() -> None:
    cells = json.loads(DEMO.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


def test_show_plays_the_render_with_its_captions_and_steps(folder, executed) -> None:
    (output,) = _outputs(executed, 'notebook.show("derivative-table")')
    video = _Video()
    video.feed(output["data"]["text/html"])
    # The lesson's own render, where `mathvid render` puts it.
    rendered = Rendered(
        "derivative-table",
        folder / "media" / "lesson" / "scenes" / "derivative-table" / "l",
    )
    assert _data(video.src) == rendered.video.read_bytes()
    assert set(video.tracks) == {"captions", "chapters"}
    manifest = rendered.manifest()
    chapters = _cues(_data(video.tracks["chapters"]).decode())
    assert [text for *_, text in chapters] == [step.name for step in manifest.steps]
    for (start, end, _), (first, last) in zip(chapters, manifest.spans(), strict=True):
        assert start == pytest.approx(first, abs=1e-3)
        assert end == pytest.approx(last, abs=1e-3)
    assert video.starts == pytest.approx([s for s, _ in manifest.spans()], abs=1e-3)
    captions = _cues(_data(video.tracks["captions"]).decode())
    said = list(srt.parse(rendered.captions.read_text(encoding="utf-8")))
    assert [text for *_, text in captions] == [s.content for s in said]
    assert captions[0][:2] == pytest.approx(
        (said[0].start.total_seconds(), said[0].end.total_seconds()), abs=1e-3
    )


def test_scrub_draws_the_moment_and_the_parameters_and_refuses_as_the_lesson_does(
    folder, executed, tmp_path: Path
) -> None:
    shown = _outputs(executed, "view = notebook.scrub(")
    assert any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in shown
    )
    (printed,) = _outputs(executed, "import hashlib, json")
    seen = json.loads(printed["text"])
    assert len({seen["first"], seen["moved"], seen["changed"]}) == 3
    assert seen["refused"] == seen["changed"]  # the last good frame stays
    # The lesson file refuses the same value in the same words, at its file and line.
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON + "[scene.params]\nx = -1.0\n", encoding="utf-8")
    with pytest.raises(LessonError) as refused:
        load_lesson(lesson)
    why = str(refused.value).split(": ", 1)[1]
    assert why.startswith("params.x: ")
    assert seen["message"] == f"mathvid: derivative-table: {why}"
    # The steps listed are those of the run shown: opened at x = 3, then x = 1.
    params, names = seen["run"]
    assert params == {"x": 1.0, "h": 1e-07}
    assert seen["steps"] == [f"{n + 1}. {name}" for n, name in enumerate(names)]
    assert len(names) == 3
    assert seen["fields"] == [
        [doc.name, "FloatText", doc.type] for doc in param_docs(DerivativeTable.Params)
    ]
    models = {
        state["model_name"]
        for state in executed.metadata["widgets"][
            "application/vnd.jupyter.widget-state+json"
        ]["state"].values()
    }
    assert {"FloatSliderModel", "DropdownModel", "ImageModel", "LabelModel"} <= models


def test_a_refused_value_is_one_line_without_a_traceback(executed) -> None:
    (output,) = _outputs(executed, 'notebook.show("derivative-table", x=-1.0)')
    assert output["output_type"] == "stream" and output["name"] == "stderr"
    assert output["text"] == (
        "mathvid: derivative-table: params.x: must be more than 0, got -1.0\n"
    )


def test_the_cell_magic_shows_its_scene(folder, executed) -> None:
    (output,) = _outputs(executed, "%%mathvid")
    page = output["data"]["text/html"]
    video = _Video()
    video.feed(page)
    assert set(video.tracks) == {"captions", "chapters"}
    assert "Derivatives you should know, at x = 0.5" in page
    # Its own render beside the lesson's (other values), made as `show` makes one.
    render_id = re.search(r'data-scene="([^"]+)"', page)[1]
    assert render_id.startswith("derivative-table-")
    rendered = Rendered(render_id, folder / "media" / "lesson" / "scenes" / render_id / "l")
    assert _data(video.src) == rendered.video.read_bytes()
    assert rendered.manifest().params == {"x": 0.5, "h": 1e-07}
    chapters = _cues(_data(video.tracks["chapters"]).decode())
    assert [text for *_, text in chapters] == [s.name for s in rendered.manifest().steps]


def test_an_exported_notebook_keeps_its_clips(executed) -> None:
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter().from_notebook_node(executed)
    assert page.count("<video") == 2  # show's and the magic's, each with its tracks
    for kind in ("captions", "chapters"):
        track = f'<track [^>]*kind="{kind}"[^>]* src="data:text/vtt'
        assert len(re.findall(track, page)) == 2


def test_a_scene_id_needs_a_lesson_file(tmp_path: Path, monkeypatch, capsys) -> None:
    from mathvid import notebook

    monkeypatch.chdir(tmp_path)
    assert notebook.show("descent") is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lesson file here" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STATE = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
const video = document.querySelector('.jp-OutputArea-output video');
const image = document.querySelector('.jp-OutputArea-output img.widget-image');
if (video) for (const track of video.textTracks) track.mode = 'hidden';
const tracks = video ? Array.from(video.textTracks).map(
    t => [t.kind, t.cues ? t.cues.length : -1]) : [];
return {kernel: kernel ? kernel.status : null, tracks: tracks,
        image: image ? image.naturalWidth : 0};
"""


def test_jupyterlab_runs_the_demo_in_chromium(
    folder, executed, browser, tmp_path: Path
) -> None:
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, MATHVID_PREVIEW_DAEMON="0")
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        env[name] = str(tmp_path / name.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "workspaces")
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.expose_app_in_browser=True",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/status?token={token}", server, tmp_path / "lab.log")
        browser.get(f"{base}/lab/tree/{DEMO.name}?token={token}")
        state = poll(browser, STATE, lambda s: s["kernel"] == "idle", 120)
        assert state["kernel"] == "idle", state
        browser.execute_script(
            "window.jupyterapp.commands.execute('notebook:run-all-cells')"
        )
        state = poll(
            browser,
            STATE,
            lambda s: s["image"] > 0 and [c for _, c in s["tracks"]] == [3, 3],
            600,
        )
        assert state["image"] > 0, state
        assert sorted(kind for kind, _ in state["tracks"]) == ["captions", "chapters"]
        assert [count for _, count in state["tracks"]] == [3, 3], state
        # A step's button plays the clip from the step's start.
        jumped = browser.execute_script(
            "const figure = document.querySelector('.jp-OutputArea-output .mathvid-clip');"
            "const button = figure.querySelectorAll('button')[1];"
            "button.click(); const v = figure.querySelector('video'); v.pause();"
            "return [Number(button.dataset.start), v.currentTime];"
        )
        assert jumped[1] == pytest.approx(jumped[0], abs=0.1)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    """Until ``url`` answers, or fail with the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"jupyter lab did not start:\n{log.read_text()[-2000:]}")
