"""A pool of variants rendered (``mathvid render --variants``): locally and on a Dask
cluster byte for byte the same, each shared scene rendered once, and each variant
showing its own numbers only; then handed out (``variants assign``).

Kept small: a silent lesson of two cheap scenes at -ql, two variants that differ in
one coefficient of the descent's function. The table is the session's render of
DerivativeTable (:func:`tests.sharing.seeded`), so the local run renders the two
descents only.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pytest
from distributed import LocalCluster

from mathcore.optimize import run
from mathcore.optimizers import gd
from mathcore.symbolic import resolve_objective
from mathvid.variants.assign import assign, variant_of
from mathvid.variants.pool_file import Pool, Variant, pool_path, write_pool
from scenes.derivatives import DerivativeTable
from tests.mathvid.command import mathvid
from tests.sharing import seeded

FUNCTION = "{a}*(x - 1)**2 + (y + 0.5)**2"
LESSON = f"""title = "Variants"
voice = "none"

[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "Table"

[[scene]]
id = "descent"
scene = "scenes.descent:DescentBowl"
title = "Descent"
[scene.params]
function = "{FUNCTION.format(a=1)}"
worked_steps = 1
step_seconds = 0.5
rest_seconds = 1.0

[variants]
seed = 7

[variants.descent]
function = {{ template = "{FUNCTION.format(a="a")}", a = {{ one_of = [1, 2] }} }}
"""
A = {"v01": 1, "v02": 2}  # the one coefficient each variant changes


def pool() -> Pool:
    variants = tuple(
        Variant(
            vid,
            n,
            f"{n:012x}",
            {"descent": {"function": FUNCTION.format(a=a)}},
            {"scene": "descent", "function": FUNCTION.format(a=a), "start": [4.0, 3.0]},
        )
        for n, (vid, a) in enumerate(A.items())
    )
    return Pool("lesson.toml", 7, len(variants), len(variants), {}, variants)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict[str, Path]:
    """The lesson, its pool, and its variants rendered locally (the base lesson
    holding the table already) and on a local Dask cluster (from nothing)."""
    folder = tmp_path_factory.mktemp("variants")
    lesson = folder / "lesson.toml"
    lesson.write_text(LESSON)
    write_pool(pool(), pool_path(lesson))
    local, remote = folder / "local", folder / "remote"
    seeded(local, lesson, scene_media, {"table": DerivativeTable})
    done = mathvid(
        "render", "--variants", "-q", "l", "-j", "2", "--lesson", lesson, "--media", local
    )
    assert done.returncode == 0, done.stderr
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        done = mathvid(
            "render", "--variants", "-q", "l", "--lesson", lesson, "--media", remote,
            "--scheduler", address,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    return {"folder": folder, "lesson": lesson, "local": local, "remote": remote}


def scene(media: Path, vid: str | None, scene_id: str) -> Path:
    base = media / "lesson"
    return (base if vid is None else base / "variants" / vid) / "scenes" / scene_id / "l"


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_cluster_renders_the_variants_byte_for_byte_as_locally(site) -> None:
    for vid in A:
        for scene_id in ("table", "descent"):
            ours, theirs = (
                files(scene(site[m], vid, scene_id)) for m in ("local", "remote")
            )
            assert {"scene.mp4", "scene.srt", "scene.json", "inputs.key"} <= set(ours)
            assert ours == theirs, (vid, scene_id)


def test_a_scene_the_variants_share_is_rendered_once(site) -> None:
    def inode(media: Path, vid: str | None, scene_id: str) -> int:
        return (scene(media, vid, scene_id) / "scene.mp4").stat().st_ino

    # Locally the base lesson held the table: every variant took its render.
    assert {inode(site["local"], v, "table") for v in A} == {
        inode(site["local"], None, "table")
    }
    # On the cluster nothing was rendered before: the table went to one worker once.
    assert len({inode(site["remote"], v, "table") for v in A}) == 1
    # The descents differ: rendered one each.
    assert len({inode(site["local"], v, "descent") for v in A}) == 2


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+| × 10\^-?\d+)?")


def numbers(text: str) -> list[float]:
    """Every number ``text`` writes: 12, -0.5, 1e-8, 2.2 × 10^-17."""
    return [float(n.replace(" × 10^", "e")) for n in NUMBER.findall(text)]


def mathcore_numbers(a: int) -> list[float]:
    """What the descent of ``a*(x - 1)**2 + (y + 0.5)**2`` from (4, 3) at η = 0.2
    shows, from mathcore: its window, start, η, first gradient and step, the steps
    it took, where it ends, its loss there, its minimum and the distance to it."""
    f = resolve_objective(FUNCTION.format(a=a), dim=2)
    x0 = np.array([4.0, 3.0])
    traj = run(f, x0, gd(0.2), 50, 1e-8)
    minimum = np.array([1.0, -0.5])  # the function's minimum, as written
    return [
        -5.0, 5.0, *x0, 0.2, *f.gradient(x0), *traj.points[1], 1.0, traj.n_steps,
        *traj.final, float(traj.losses[-1]), *minimum, 1e-8,
        float(np.linalg.norm(traj.final - minimum)),
    ]  # fmt: skip


def shown_as(shown: float, value: float) -> bool:
    """Whether ``value`` written as the scene writes numbers could read ``shown``."""
    return abs(shown - value) <= max(0.051 * abs(value), 5e-3 if shown else 0.0)


def test_each_variant_shows_its_own_numbers_from_mathcore(site) -> None:
    import json

    texts = {}
    for vid, a in A.items():
        folder = scene(site["local"], vid, "descent")
        manifest = json.loads((folder / "scene.json").read_text())
        text = (folder / "scene.srt").read_text() + "\n".join(
            f"{s['caption']}\n{s.get('draws', '')}" for s in manifest["steps"]
        )
        text = re.sub(r"^\d+\n[\d:,]+ --> [\d:,]+$", "", text, flags=re.M)  # cue times
        expected = mathcore_numbers(a)
        for n in numbers(text):
            assert any(shown_as(n, v) for v in expected), (vid, n, expected)
        assert manifest["values"]["worked[0]"]["gradient"] == [6.0 * a, 7.0]
        texts[vid] = text
    # The one coefficient shows: v01's gradient (6, 7), v02's (12, 7), never the other's.
    assert "(6, 7)" in texts["v01"] and "(6, 7)" not in texts["v02"]
    assert "(12, 7)" in texts["v02"] and "(12, 7)" not in texts["v01"]


def test_assign_hands_each_student_their_variants_player(site, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    students = ["s1", "s2", "ann.lee@uni.edu"]
    roster.write_text("Name,Student ID\n" + "".join(f"x,{s}\n" for s in students))
    out = tmp_path / "handout"
    args = argparse.Namespace(
        roster=roster, lesson=site["lesson"], media=site["local"], out=out, kind="html"
    )
    assert assign(args) == 0
    rows = (out / "teacher.csv").read_text().splitlines()
    assert rows[0] == "student,variant,file,scene,function,start,minimum,steps"
    for student, line in zip(students, rows[1:], strict=True):
        vid = list(A)[variant_of(student, 7, len(A))]
        name = line.split(",")[2]
        assert line.startswith(f"{student},{vid},") and (out / name).is_file()
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", name)
        # The player describes its variant's first step: gradient (6, 7) or (12, 7).
        assert f"({6 * A[vid]}, 7)" in (out / name).read_text()
    assert "| ann.lee@uni.edu |" in (out / "teacher.md").read_text()


def test_words_written_for_the_lessons_numbers_are_refused_for_a_varied_scene(
    tmp_path: Path,
) -> None:
    from lesson.errors import LessonError
    from lesson.file import load_lesson
    from mathvid.variants.render import check_words

    lesson = tmp_path / "lesson.toml"
    text = LESSON.replace('voice = "none"\n', "")
    lesson.write_text(
        text.replace("[variants]", '[scene.narration]\n1 = "From 4, 3."\n\n[variants]')
    )
    with pytest.raises(
        LessonError, match="descent: the pool varies its numbers but its words"
    ):
        check_words(load_lesson(lesson), pool(), voice=True)
    check_words(load_lesson(lesson), pool(), voice=False)  # silent: no words said


def test_lesson_variants_joins_each_variants_own_lesson(site) -> None:
    done = mathvid(
        "lesson", "--variants", "-q", "l", "--lesson", site["lesson"], "--media",
        site["local"],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    transcripts = {}
    for vid, a in A.items():
        out = site["local"] / "lesson" / "variants" / vid / "lesson" / "l"
        assert {"lesson.mp4", "lesson.vtt", "lesson.srt", "transcript.html"} <= {
            p.name for p in out.iterdir()
        }
        assert f"{vid}: {out / 'lesson.mp4'}" in done.stdout
        transcripts[vid] = (out / "transcript.txt").read_text()
        # Its own numbers: the steps its run takes (from mathcore) in its captions and
        # transcript, the first gradient (6a, 7) in what the transcript says is shown.
        f = resolve_objective(FUNCTION.format(a=a), dim=2)
        steps = run(f, np.array([4.0, 3.0]), gd(0.2), 50, 1e-8).n_steps
        for name in ("transcript.txt", "lesson.vtt"):
            assert f"After {steps} steps" in (out / name).read_text(), (vid, name)
        assert f"({6 * a}, 7)" in transcripts[vid]
    assert "(12, 7)" not in transcripts["v01"] and "(6, 7)" not in transcripts["v02"]


def test_export_variants_writes_a_bundle_per_variant(site, tmp_path: Path) -> None:
    out = tmp_path / "bundles"
    done = mathvid(
        "export", "--variants", out, "-q", "l", "--lesson", site["lesson"], "--media",
        site["local"],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(A)
    players = {vid: (out / vid / "index.html").read_text() for vid in A}
    for vid, a in A.items():
        assert (out / vid / "presenter.html").is_file()
        assert f"({6 * a}, 7)" in players[vid]
    assert "(12, 7)" not in players["v01"] and "(6, 7)" not in players["v02"]
    # Again into the same folder: its own, so replaced; a folder of others', refused.
    assert mathvid(
        "export", "--variants", out, "-q", "l", "--lesson", site["lesson"], "--media",
        site["local"],
    ).returncode == 0  # fmt: skip
    other = tmp_path / "other"
    (other / "notes.txt").parent.mkdir()
    (other / "notes.txt").write_text("mine")
    done = mathvid(
        "export", "--variants", other, "-q", "l", "--lesson", site["lesson"], "--media",
        site["local"],
    )  # fmt: skip
    assert done.returncode != 0 and "exists and is not" in done.stderr
