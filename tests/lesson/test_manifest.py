"""The typed manifest: what a scene writes reads back as the same objects, and writes
again as the same text (the file's keys, their order, the optional keys left out)."""

from __future__ import annotations

import json

import pytest

from lesson.manifest import Cue, Manifest, Speech, Step
from mathvid.run.stills import scene_manifest
from scenes.derivatives import TangentLine
from scenes.descent import DescentBowl


@pytest.mark.parametrize("scene_cls", [TangentLine, DescentBowl], ids=lambda c: c.__name__)
def test_a_scenes_manifest_reads_back_as_written(scene_cls: type) -> None:
    manifest = scene_manifest(scene_cls)
    text = manifest.to_json()
    assert Manifest.from_json(text) == manifest
    assert Manifest.from_json(text).to_json() == text
    # The file is plain JSON: a reader that knows nothing of these types reads it.
    assert json.loads(text)["steps"][0]["name"] == manifest.steps[0].name
    assert (manifest.explore is not None) == (scene_cls is DescentBowl)


def test_optional_keys_are_written_only_when_given() -> None:
    plain = Step("One", "A.", 0.0)
    assert list(plain.as_dict()) == ["name", "caption", "start", "shows"]
    speech = Speech("voice", 0.0, 1.0, (Cue("A.", 0.0, 1.0),))
    full = Step("One", "A.", 0.0, ["x"], "Ay.", {"n": 1}, "A dot.", speech, 0.5)
    assert list(full.as_dict()) == [
        *("name", "caption", "start", "shows", "say", "facts", "draws", "speech"),
        "held",
    ]
    assert Step.from_dict(full.as_dict()) == full


def test_a_span_ends_where_the_next_step_starts_or_the_scene_ends() -> None:
    steps = [Step("One", "A.", 0.0), Step("Two", "B.", 1.5)]
    assert Manifest("S", {}, steps, duration=4.0).spans() == [(0.0, 1.5), (1.5, 4.0)]
    with pytest.raises(ValueError, match="has not ended"):
        Manifest("S", {}, steps).span(1)
