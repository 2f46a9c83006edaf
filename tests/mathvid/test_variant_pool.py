"""The pool of variants (issue 27): ``variants/pool.toml`` read back as written,
refused in one line when it is not a pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from lesson.errors import LessonError
from mathvid.variants.pool_file import Pool, Variant, pool_path, read_pool, write_pool

VARIANT = Variant(
    "v01",
    3,
    "3f9a2c51d0e4",
    {"descent": {"lr": 0.2, "x0": [1.0, -2.0], "function": "1.5*(x - 0.5)**2 + y**2"}},
    {"scene": "descent", "start": [1.0, -2.0], "minimum": [0.5, 0.0], "steps": 23},
)
POOL = Pool(
    "lesson.toml",
    7,
    2,
    5,
    {"descent: does not converge within 50 steps": 2, "duplicate": 1},
    (VARIANT, Variant("v02", 4, "00aa", {"race": {"optimizers": ["GD", "Adam"]}}, {})),
)


def test_the_pool_reads_back_as_written(tmp_path: Path) -> None:
    path = pool_path(tmp_path / "lesson.toml")
    assert path == tmp_path / "variants" / "pool.toml"
    write_pool(POOL, path)
    assert read_pool(path) == POOL
    assert path.read_text().startswith("# Written by `mathvid variants`")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, "no pool here"),
        ("lesson = = 1", "not valid TOML"),
        ('lesson = "l.toml"\nseed = 7\ncount = 1\n', "missing 'drawn'"),
        ('lesson = "l.toml"\nseed = "7"\ncount = 1\ndrawn = 1\n', "seed should be int"),
        (
            'lesson = "l.toml"\nseed = 7\ncount = 1\ndrawn = 1\n[[variant]]\nid = "v01"\n',
            "missing 'draw'",
        ),
    ],
)
def test_a_bad_pool_is_refused_in_one_line(
    tmp_path: Path, text: str | None, words: str
) -> None:
    path = tmp_path / "pool.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(LessonError) as err:
        read_pool(path)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith(str(path))
