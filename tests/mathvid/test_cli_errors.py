"""A mistyped command line is one line on stderr, naming what is wrong, as every
other ``mathvid`` error is; never argparse's usage block first."""

from __future__ import annotations

import pytest

from mathvid.cli import main


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["render", "-q", "z"], "mathvid render: argument -q/--quality: invalid choice"),
        (["render", "-j", "x"], "mathvid render: argument -j/--jobs: invalid int value"),
        (["previe"], "mathvid: argument COMMAND: invalid choice: 'previe'"),
        (["preview"], "mathvid preview: the following arguments are required: ID"),
        (["list", "--nope"], "mathvid: unrecognized arguments: --nope"),
        ([], "mathvid: the following arguments are required: COMMAND"),
    ],
)
def test_a_mistyped_command_line_is_one_line(capsys, argv, said) -> None:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert len(out.err.splitlines()) == 1, out.err
    assert out.err.startswith(said), out.err
    assert "usage:" not in out.err and "Traceback" not in out.err


def test_help_still_prints_the_usage(capsys) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["render", "--help"])
    assert ended.value.code == 0
    assert capsys.readouterr().out.startswith("usage: mathvid render")
