"""Formulas typeset with the template's preamble precompiled (a LaTeX format): the
same SVG bytes as Manim's own compile, the format made once by processes at once,
a damaged one never trusted, and LaTeX still kept to its cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from manim import TexTemplate, tempconfig
from manim.utils import tex_file_writing as writing

from mathvid import media
from mathvid.run import latex
from mathvid.run.manim_setup import manim_config
from tests.mathvid.command import ROOT


def parts(*tex: str) -> str:
    """The TeX of a ``MathTex`` of ``tex``, as Manim hands it to LaTeX: each part in
    a group of its own in the SVG."""
    return "".join(
        f"\\special{{dvisvgm:raw <g id='unique{i:03d}'>}}{t}\\special{{dvisvgm:raw </g>}}"
        for i, t in enumerate(tex)
    )


CASES = [
    # The lesson's formulas (its scenes' MathTex, in align*).
    (parts(r"\cos x"), "align*", "default"),
    (parts(r"h^* \approx 5.0 \times 10^{-9}"), "align*", "default"),
    (
        parts(r"\eta = \tfrac{3}{L} = 1.5:\ \ f(x_{t+1}) \le f(x_t) + 20.2"),
        "align*",
        "default",
    ),
    (
        parts(r"\text{largest along } \nabla f:\ D_u f = \lVert \nabla f \rVert = 1.327"),
        "align*",
        "default",
    ),
    (parts(r"\frac{f(x+h) - f(x)}{h} ", "="), "align*", "default"),
    (
        parts(
            r"\partial y/\partial w = \partial y/\partial z\cdot \partial z/\partial w ",
            r"= 0.25 \cdot 2 = 0.5",
        ),
        "align*",
        "default",
    ),
    (
        parts(
            r"\frac{\partial (f\circ g)}{\partial x_i} = \sum_j \frac{\partial f}"
            r"{\partial g_j}\,\frac{\partial g_j}{\partial x_i} = (J_g^\top v)_i"
        ),
        "align*",
        "default",
    ),
    (
        parts(r"\left[\begin{array}{c}\quad \\\quad \\\quad \\\end{array}\right."),
        "align*",
        "default",
    ),
    (parts(r"\sigma'(z_{2})"), "align*", "default"),
    (parts(r"\text{backprop: one forward, one backward pass}"), "align*", "default"),
    (parts(r"-0.3"), "align*", "default"),
    (parts(r"\kappa = 1:\ 1 - \mu/L = 0"), "align*", "default"),
    # A Tex (text, in Manim's "center"), text with accents, no environment.
    (r"The derivative is the slope of the tangent", "center", "default"),
    (r"caf\'e, naïve", "center", "default"),
    (r"$\sqrt{2} \approx 1.414$", None, "default"),
    # Templates of their own: a package added, a command after \begin{document}.
    (r"\bm{x}_{k+1} = \bm{x}_k - \eta \nabla f(\bm{x}_k)", "align*", "bm"),
    (r"\textcolor{red}{\cancel{x}} \coloneqq \frac{1}{2}\|\theta\|^2", "align*", "colour"),
]


def template_of(name: str) -> TexTemplate:
    """The template a case names: Manim's default, or one with a package added (and
    a command at the start of the document)."""
    template = TexTemplate()
    if name == "bm":
        template.add_to_preamble(r"\usepackage{bm}")
    elif name == "colour":
        template.add_to_preamble(
            r"\usepackage{xcolor}\usepackage{cancel}\usepackage{mathtools}"
        )
        template.add_to_document(r"\boldmath")
    return template


# Manim as it ships: no lock, no sandbox, no format (this module's patches are
# installed by manim_config, which this never calls). Its DVIs are kept.
MANIMS_OWN = """
import json, sys
from manim import config
from manim.utils.tex_file_writing import tex_to_svg_file
from tests.mathvid.test_tex_format import template_of
config.tex_dir = sys.argv[1]
config.verbosity = "ERROR"
config.no_latex_cleanup = True
cases = json.loads(sys.argv[2])
print(json.dumps([str(tex_to_svg_file(e, env, template_of(t))) for e, env, t in cases]))
"""


def manims_own(
    folder: Path, cases: list[tuple[str, str | None, str]]
) -> list[tuple[bytes, bytes]]:
    """The SVG and DVI bytes of each case (expression, environment, template's name:
    as in ``CASES``), compiled by Manim's own unpatched code in a process of its
    own, in the cache ``folder``."""
    command = [sys.executable, "-c", MANIMS_OWN, str(folder), json.dumps(cases)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    svgs = [Path(p) for p in json.loads(done.stdout.splitlines()[-1])]
    return [(svg.read_bytes(), svg.with_suffix(".dvi").read_bytes()) for svg in svgs]


REFUSED = (r"\text{refused}", "align*", "")
"""What a formula reading a file LaTeX may not open shows (the sandbox's test)."""


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[bytes, bytes]]:
    """Manim's own SVG and DVI bytes (:func:`manims_own`) of each of ``CASES``, then
    of ``REFUSED``: compiled once, in one process, for the module's tests (each
    compares what mathvid typesets against some of them)."""
    return manims_own(tmp_path_factory.mktemp("reference"), [*CASES, REFUSED])


def undated(dvi: bytes) -> bytes:
    """A DVI without the comment of its preamble, which says when it was made."""
    length = dvi[14]  # after the opcode, the DVI version, num, den and mag
    return dvi[:15] + dvi[15 + length :]


def drawing(svg: bytes) -> bytes:
    """dvisvgm's SVG with its glyphs' definitions sorted. Given the same DVI under
    another file name (Manim's ``<hash>.dvi``, mathvid's ``<hash>-<tag>.dvi``),
    dvisvgm 3.0.3 writes them in another order: the same drawing."""
    lines = svg.split(b"\n")
    if b"<defs>" not in lines:
        return svg
    start, end = lines.index(b"<defs>"), lines.index(b"</defs>")
    return b"\n".join([*lines[:start], *sorted(lines[start:end]), *lines[end:]])


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty LaTeX cache that this process's Manim typesets into, with this
    process's verdicts on formats forgotten."""
    monkeypatch.setenv("MATHVID_TEX_CACHE", str(tmp_path / "Tex"))
    monkeypatch.setattr(latex, "_FORMATS", {})
    with tempconfig(manim_config({"media_dir": str(tmp_path / "media")})):
        yield tmp_path / "Tex"


def typeset(i: int) -> bytes:
    """The SVG bytes of ``CASES[i]``, typeset by mathvid's Manim."""
    expression, environment, name = CASES[i]
    return latex._typeset(expression, environment, template_of(name)).read_bytes()


def never_plain(*args: object) -> None:
    raise AssertionError("compiled without the format")


def test_formulas_typeset_with_the_format_are_manims_own(
    cache: Path, monkeypatch: pytest.MonkeyPatch, reference: list
) -> None:
    reference = reference[: len(CASES)]
    dvis = []
    convert = writing.convert_to_svg

    def kept(dvi: Path, *args: object) -> Path:
        dvis.append(dvi.read_bytes())
        return convert(dvi, *args)

    monkeypatch.setattr(writing, "convert_to_svg", kept)
    monkeypatch.setattr(writing, "compile_tex", never_plain)  # every one by a format
    svgs = [typeset(i) for i in range(len(CASES))]
    assert [undated(dvi) for dvi in dvis] == [undated(dvi) for _, dvi in reference]
    assert [drawing(svg) for svg in svgs] == [drawing(svg) for svg, _ in reference]
    # One format for each preamble (the default, with bm, with xcolor...), beside the
    # cache; the cache holds only the SVGs.
    formats = cache.parent / ".tex.formats"
    assert len(list(formats.glob("*.fmt"))) == len(list(formats.glob("*.json"))) == 3
    assert {p.suffix for p in cache.iterdir()} == {".svg"}


def test_a_template_compiled_otherwise_gets_no_format() -> None:
    xelatex = TexTemplate(tex_compiler="xelatex", output_format=".xdv")
    code = xelatex.get_texcode_for_expression("x")
    assert latex._preamble(code, xelatex) is None
    # A template whose preamble holds the formula: no format made of each formula.
    odd = TexTemplate()
    odd.body = (
        r"\documentclass{article}\def\f{YourTextHere}\begin{document}\f\end{document}"
    )
    assert latex._preamble(odd.get_texcode_for_expression("x"), odd) is None


def test_latex_with_the_format_still_reads_only_its_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch, reference: list
) -> None:
    # \IfFileExists opens the file: "read" if LaTeX may, "refused" if the sandbox
    # (openin_any = p) refuses; typeset by the format, it must come out as the text
    # "refused" does in Manim's own compile.
    probe = r"\text{\IfFileExists{/etc/passwd}{read}{refused}}"
    with monkeypatch.context() as patched:
        patched.setattr(writing, "compile_tex", never_plain)
        refused = latex._typeset(probe, "align*").read_bytes()
        assert drawing(refused) == drawing(reference[-1][0])  # REFUSED's
    # A formula that fails gives the error it always gave: the format's run fails,
    # then the usual compile, which tells it.
    with pytest.raises(ValueError, match=r"^latex error converting to dvi\. ") as err:
        latex._typeset(r"\input{/etc/passwd}", "align*")
    log = Path(str(err.value).rpartition(" ")[2])
    assert log.parent == cache
    assert re.search(r"File `/etc/passwd(\.tex)?' not found", log.read_text())


# A latex that notes in $MATHVID_TEST_RUNS each run that makes a format ("made"),
# loads one ("loaded") or neither ("plain"), then runs the real one; making takes
# $MATHVID_TEST_MAKING_SECONDS longer.
NOTING_LATEX = """#!/bin/sh
case " $* " in
  *" -ini "*) echo made >> "$MATHVID_TEST_RUNS"
             sleep "${{MATHVID_TEST_MAKING_SECONDS:-0}}" ;;
  *" -fmt="*) echo loaded >> "$MATHVID_TEST_RUNS" ;;
  *) echo plain >> "$MATHVID_TEST_RUNS" ;;
esac
exec {latex} "$@"
"""


@pytest.fixture
def noting_latex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file where LaTeX's runs are noted (:data:`NOTING_LATEX`), first on the
    PATH of this process and its children."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "latex").write_text(NOTING_LATEX.format(latex=shutil.which("latex")))
    (bin_ / "latex").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}:{os.environ['PATH']}")
    monkeypatch.setenv("MATHVID_TEST_RUNS", str(tmp_path / "runs"))
    return tmp_path / "runs"


TYPESET = """
import sys
from manim import tempconfig
from mathvid.run.latex import _typeset
from mathvid.run.manim_setup import manim_config
from tests.mathvid.test_tex_format import CASES, template_of
with tempconfig(manim_config({"media_dir": sys.argv[1]})):
    for i in sys.argv[2:]:
        expression, environment, name = CASES[int(i)]
        print("SVG", _typeset(expression, environment, template_of(name)))
"""


def test_two_processes_at_once_make_the_format_once(
    tmp_path: Path, noting_latex: Path, reference: list
) -> None:
    env = {
        **os.environ,
        "MATHVID_TEX_CACHE": str(tmp_path / "Tex"),
        "MATHVID_TEST_MAKING_SECONDS": "1",  # the other one comes meanwhile
    }
    halves = [range(0, 6), range(6, 12)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TYPESET, str(tmp_path / "media"), *map(str, half)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    runs = noting_latex.read_text().split()
    assert runs.count("made") == 1 and "loaded" in runs
    assert len(list((tmp_path / ".tex.formats").glob("*.fmt"))) == 1
    lines = [line.split(" ", 1)[1] for out, _ in outs for line in out.splitlines()]
    svgs = [Path(line).read_bytes() for line in lines if line]
    expected = [reference[i] for half in halves for i in half]
    assert [drawing(svg) for svg in svgs] == [drawing(svg) for svg, _ in expected]
    # Nothing of either process left in the cache.
    assert not [p for p in (tmp_path / "Tex").iterdir() if media.owner(p.name)]


def test_a_damaged_format_is_never_loaded(
    reference: list, cache: Path, noting_latex: Path
) -> None:
    # Only this test's runs (the reference, Manim's own, may have been noted).
    noting_latex.unlink(missing_ok=True)
    assert drawing(typeset(0)) == drawing(reference[0][0])  # the format made, then loaded
    [record] = (cache.parent / ".tex.formats").glob("*.json")
    fmt = record.with_suffix(".fmt")
    # Cut short: its record no longer stands, and it is made again.
    fmt.write_bytes(fmt.read_bytes()[:100_000])
    latex._FORMATS.clear()  # as a new process
    assert drawing(typeset(1)) == drawing(reference[1][0])
    assert latex._recorded(record) == (True, fmt)
    # Spoilt in place, its size and time kept (no record could tell): LaTeX does not
    # load it, and the formula is compiled as usual.
    status = fmt.stat()
    fmt.write_bytes(bytes(status.st_size))
    os.utime(fmt, ns=(status.st_atime_ns, status.st_mtime_ns))
    latex._FORMATS.clear()
    assert drawing(typeset(2)) == drawing(reference[2][0])
    # A process killed while making it: a format without its record, the killed
    # process's files in the cache. Made again, and those removed.
    record.unlink()
    fmt.write_bytes(b"half a format")
    (cache / f"{record.stem}-999999999-0123456789ab.fmt").write_bytes(b"half")
    latex._FORMATS.clear()
    assert drawing(typeset(3)) == drawing(reference[3][0])
    assert latex._recorded(record) == (True, fmt)
    assert not list(cache.glob(f"{record.stem}-*"))
    # Removed after this process found it: compiled as usual.
    fmt.unlink()
    assert drawing(typeset(4)) == drawing(reference[4][0])
    assert noting_latex.read_text().split() == [
        *("made", "loaded"),
        *("made", "loaded"),
        *("loaded", "plain"),
        *("made", "loaded"),
        *("loaded", "plain"),
    ]


def test_a_preamble_that_cannot_be_made_a_format_is_tried_once(
    cache: Path, noting_latex: Path
) -> None:
    template = TexTemplate()
    template.add_to_preamble(r"\usepackage{no-such-package}")
    for expression in ("x", "y"):
        # Its formulas fail as they always did, with the usual compile's error.
        with pytest.raises(ValueError, match=r"^latex error converting to dvi\. "):
            latex._typeset(expression, "align*", template)
        latex._FORMATS.clear()  # as a new process: it reads the record
    assert noting_latex.read_text().split() == ["made", "plain", "plain"]


def test_a_format_this_process_failed_to_make_is_taken_once_another_has(
    reference: list, cache: Path, noting_latex: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    noting_latex.unlink(missing_ok=True)
    monkeypatch.setattr(latex, "_UNMADE", set())
    make = latex._make_format
    with monkeypatch.context() as failing:  # a full disk, say: no format, no record
        failing.setattr(latex, "_make_format", lambda *args: None)
        assert drawing(typeset(0)) == drawing(reference[0][0])
        assert drawing(typeset(1)) == drawing(reference[1][0])  # not tried again
    [record] = latex._UNMADE
    head = latex._preamble(TexTemplate().get_texcode_for_expression("x"), TexTemplate())
    fmt = make(head, "latex", cache, record)  # made by another process meanwhile
    assert drawing(typeset(2)) == drawing(reference[2][0])
    assert latex._FORMATS == {record: fmt}
    assert noting_latex.read_text().split() == ["plain", "plain", "made", "loaded"]
