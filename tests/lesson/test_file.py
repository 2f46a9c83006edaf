"""The lesson file: good files load with their overrides; every bad one is refused
before rendering, in one line naming the file, the line and the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lesson.errors import LessonError
from lesson.file import load_lesson
from scenes.derivatives import TangentLineParams
from tests.scenes.checks import all_scene_classes

ROOT = Path(__file__).resolve().parents[2]

HEAD = (
    'title = "T"\n\n[[scene]]\nid = "tangent"\nscene = "scenes.derivatives:TangentLine"\n'
)
GOOD = (
    HEAD
    + 'title = "Tangent"\n\n[scene.params]\nrest_points = [-2, 1.5]\nsweep_seconds = 1\n'
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lesson.toml"
    path.write_text(text)
    return path


def test_the_project_lesson_loads() -> None:
    lesson = load_lesson(ROOT / "lesson.toml")
    assert len(lesson.scenes) >= 3
    assert len({e.id for e in lesson.scenes}) == len(lesson.scenes)


def test_overrides_reach_the_parameters_with_their_types(tmp_path: Path) -> None:
    entry = load_lesson(write(tmp_path, GOOD)).scenes[0]
    assert entry.params == TangentLineParams(rest_points=(-2.0, 1.5), sweep_seconds=1.0)
    assert all(type(v) is float for v in entry.params.rest_points)


def test_a_formula_function_is_accepted(tmp_path: Path) -> None:
    text = HEAD + 'title = "T"\n[scene.params]\nfunction = "x^3 - 2*x"\n'
    assert load_lesson(write(tmp_path, text)).scenes[0].params.function == "x^3 - 2*x"


# Each bad file: its text, the line the message must name, and words it must contain.
BAD = {
    "not toml": ("title = = 1\n", None, "not valid TOML"),
    "unknown top key": ('titel = "T"\n' + GOOD.split("\n", 1)[1], 1, "titel: unknown key"),
    "no scenes": ('title = "T"\n', None, "no [[scene]]"),
    "missing title": (HEAD, 3, "title: missing"),
    "unknown scene key": (
        GOOD.replace("\n\n[scene.params]", '\ncolour = "red"\n[scene.params]'),
        7,
        "colour: unknown key",
    ),
    "bad id": (GOOD.replace('"tangent"', '"Tangent Line"'), 4, "id: 'Tangent Line'"),
    "no module": (
        GOOD.replace("derivatives:", "nowhere:"),
        5,
        "no module 'scenes.nowhere'",
    ),
    "no class": (GOOD.replace(":TangentLine", ":Tangent"), 5, "no lesson scene 'Tangent'"),
    "not a scene module": (GOOD.replace("scenes.derivatives", "os"), 5, "scene: expected"),
    "unknown param": (GOOD + "colour = 1\n", 11, "params.colour: TangentLine has no such"),
    "wrong type": (
        GOOD.replace("sweep_seconds = 1", 'sweep_seconds = "1"'),
        10,
        "a number",
    ),
    "bool for number": (
        GOOD.replace("sweep_seconds = 1", "sweep_seconds = true"),
        10,
        "a number",
    ),
    "non-finite": (GOOD.replace("sweep_seconds = 1", "sweep_seconds = nan"), 10, "finite"),
    "infinite": (GOOD.replace("sweep_seconds = 1", "sweep_seconds = inf"), 10, "finite"),
    "list of strings": (GOOD.replace("[-2, 1.5]", '["a"]'), 9, "params.rest_points"),
    "formula not one": (GOOD + 'function = "x +* 2"\n', 11, "not a formula"),
    "formula runs code": (
        GOOD + "function = \"__import__('os')\"\n",
        11,
        "unknown function",
    ),
    "formula unknown name": (GOOD + 'function = "sin(q)"\n', 11, "unknown name 'q'"),
    "duplicate id": (GOOD + HEAD.split("\n", 2)[2] + 'title = "again"\n', 12, "used twice"),
    "unknown voice": ('voice = "robot"\n' + GOOD, 1, 'voice: expected "joe", "none"'),
    "narration not a table": (HEAD + 'title = "T"\nnarration = 3\n', 7, "expected a table"),
    "narration empty words": (
        GOOD + '[scene.narration]\n"The curve" = "  "\n',
        12,
        "narration.The curve: expected the words to say",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_lesson_files_are_refused_in_one_line(tmp_path: Path, case: str) -> None:
    text, line, words = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert "\n" not in message
    assert words in message
    assert message.startswith(f"{path}:{line}:" if line else f"{path}:")


def test_the_voice_and_the_words_of_steps_are_read(tmp_path: Path) -> None:
    text = GOOD + '[scene.narration]\n2 = "Two."\n"The curve" = "A  curve."\n'
    lesson = load_lesson(write(tmp_path, text))
    assert lesson.voice == "joe"  # the default: narrated
    assert lesson.scenes[0].narration == (("2", "Two."), ("the-curve", "A curve."))
    silent = load_lesson(write(tmp_path, 'voice = "none"\n' + GOOD))
    assert silent.voice == "none" and silent.scenes[0].narration == ()


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match="cannot read"):
        load_lesson(tmp_path / "nope.toml")


def as_toml_value(value: object) -> object:
    """A parameter's value as tomllib would give it back: tuples become lists."""
    if isinstance(value, tuple):
        return [as_toml_value(v) for v in value]
    return value


@pytest.mark.parametrize("scene_cls", all_scene_classes(), ids=lambda c: c.__name__)
def test_every_parameter_of_every_scene_can_be_set_from_a_lesson_file(
    scene_cls: type, tmp_path: Path
) -> None:
    import dataclasses

    import tomli_w

    defaults = scene_cls.Params()
    params = {
        f.name: as_toml_value(getattr(defaults, f.name))
        for f in dataclasses.fields(defaults)
    }
    lesson = {
        "title": "T",
        "scene": [
            {
                "id": "s",
                "title": "S",
                "params": params,
                "scene": f"{scene_cls.__module__}:{scene_cls.__name__}",
            }
        ],
    }
    path = tmp_path / "lesson.toml"
    path.write_text(tomli_w.dumps(lesson))
    assert load_lesson(path).scenes[0].params == defaults


def test_loading_the_lesson_leaves_sympy_unloaded() -> None:
    # SymPy takes half a second to import, and a preview of a scene that reads no
    # formula never needs it: reading the lesson must not pull it in.
    code = (
        "import sys; from lesson.file import load_lesson; "
        "load_lesson('lesson.toml'); print('sympy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_preview_reads_its_scene_alone_importing_no_other() -> None:
    # Importing the other scenes' modules takes a third of a second of a cold preview.
    code = (
        "import sys; from lesson.file import load_lesson; "
        "e = load_lesson('lesson.toml', only='descent').entry('descent'); "
        "print(e.scene_cls.__name__, sorted(m for m in sys.modules "
        "if m.startswith('scenes.') and not m.startswith(('scenes.kit', 'scenes.base'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split(" ", 1) == ["DescentBowl", "['scenes.descent']\n"]
    whole = load_lesson(ROOT / "lesson.toml")
    for entry in whole.scenes:
        alone = load_lesson(ROOT / "lesson.toml", only=entry.id)
        assert alone.scenes == (entry,)
        assert (alone.title, alone.voice, alone.theme) == (
            whole.title,
            whole.voice,
            whole.theme,
        )


def test_a_scene_read_alone_is_refused_as_in_the_whole_lesson(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(LessonError) as whole:
        load_lesson(path).entry("nope")
    with pytest.raises(LessonError) as alone:
        load_lesson(path, only="nope")
    assert str(alone.value) == str(whole.value)
    assert "(the lesson has: tangent)" in str(alone.value)
    # Its own parameters are checked; another scene's ids and titles too.
    bad = GOOD.replace("sweep_seconds = 1", "sweep_seconds = 'one'")
    with pytest.raises(LessonError, match="sweep_seconds"):
        load_lesson(write(tmp_path, bad), only="tangent")
    twice = GOOD + HEAD.split("\n\n", 1)[1] + 'title = "Again"\n'
    with pytest.raises(LessonError, match="used twice"):
        load_lesson(write(tmp_path, twice), only="tangent")
