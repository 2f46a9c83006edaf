"""A parameter edit from the studio changes the values and nothing else of the file."""

from __future__ import annotations

import tomllib

import pytest

from mathvid.studio.edits import EditError, with_params

LESSON = """# The course, as the teacher keeps it.
title = "Calculus"   # shown on the first page
voice = "none"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "The tangent line"
[scene.params]
# where the tangent touches
x0 = 1.0   # the teacher's note
function = "square"

[[scene]]
id = "table"          # no parameters yet
scene = "scenes.derivatives:DerivativeTable"
title = "The table"
"""


def test_a_value_changes_and_every_comment_and_line_stays() -> None:
    edited = with_params(LESSON, "tangent", {"x0": 2.5})
    before, after = LESSON.splitlines(), edited.splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("x0 = 1.0   # the teacher's note", "x0 = 2.5   # the teacher's note")
    ]
    assert tomllib.loads(edited)["scene"][0]["params"] == {"x0": 2.5, "function": "square"}


def test_a_scene_without_parameters_gets_a_table_of_them() -> None:
    edited = with_params(LESSON, "table", {"rows": [1, 2], "show": True})
    assert edited.startswith(LESSON.rstrip("\n"))  # everything before kept as it was
    data = tomllib.loads(edited)
    assert data["scene"][1]["params"] == {"rows": [1, 2], "show": True}
    assert data["scene"][1]["id"] == "table"
    assert "params" in data["scene"][0] and data["title"] == "Calculus"


def test_none_takes_a_parameter_back_to_its_default() -> None:
    edited = with_params(LESSON, "tangent", {"x0": None})
    assert tomllib.loads(edited)["scene"][0]["params"] == {"function": "square"}
    assert "# where the tangent touches" in edited


@pytest.mark.parametrize(
    ("text", "scene", "values", "message"),
    [
        (LESSON, "nowhere", {"x0": 1.0}, "no scene 'nowhere'"),
        ("title = [", "tangent", {"x0": 1.0}, "not valid TOML"),
        (LESSON, "tangent", {"x0": {"a": 1}}, "a parameter is a number"),
    ],
)
def test_what_cannot_be_written_is_refused_in_one_line(
    text, scene, values, message
) -> None:
    with pytest.raises(EditError, match=message) as refused:
        with_params(text, scene, values)
    assert "\n" not in str(refused.value)
