"""LaTeX as every mathvid process runs it: sandboxed, each formula locked across
processes, the template's preamble precompiled.

Manim typesets a formula by writing a .tex file, running LaTeX and dvisvgm on it and
parsing the SVG. :func:`install` makes it do so here: with a sandbox (no shell
escape, files read and written only in the formula cache, a time limit:
:func:`_sandboxed_run`), one process at a time per formula and the SVG renamed into
place whole (:func:`_typeset`), and the template's preamble loaded from a LaTeX
format made once (:func:`_compiled_with_format`).

Examples
--------
>>> install()
>>> import manim.mobject.text.tex_mobject as tex_mobject
>>> tex_mobject.tex_to_svg_file is _typeset
True
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def install() -> None:
    """Make Manim typeset through :func:`_typeset`, sandboxed; idempotent."""
    _lock_latex_compiles()
    _sandbox_latex()


LATEX_SECONDS = float(os.environ.get("MATHVID_LATEX_SECONDS", 60.0))
"""The longest one LaTeX or dvisvgm run may take: far longer than a formula takes,
so that only a run that would never end is stopped."""

# kpathsea reads these from the environment: LaTeX may read and write files only in
# the formula cache, where it runs (no other absolute path, no "..", no dot files;
# its own TeX Live files stay readable), and run no shell command, whatever a
# formula asks for.
LATEX_ENV = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}


class LatexError(RuntimeError):
    """LaTeX failed or ran too long; the message is one line, saying which."""


def _sandbox_latex() -> None:
    """Run Manim's LaTeX and dvisvgm by :func:`_sandboxed_run`."""
    import manim.utils.tex_file_writing as writing

    if getattr(writing, "sandboxed", False):
        return

    class Sandboxed:
        DEVNULL = subprocess.DEVNULL
        run = staticmethod(_sandboxed_run)

    writing.subprocess = Sandboxed
    writing.sandboxed = True


def _sandboxed_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    """``subprocess.run`` of a LaTeX (given its ``-output-directory=``) or dvisvgm
    ``command``, with :data:`LATEX_ENV`, ``-no-shell-escape`` and a time limit
    (:data:`LATEX_SECONDS`, past which it is a :class:`LatexError`).

    Examples
    --------
    >>> _sandboxed_run(["dvisvgm", "--version"], stdout=subprocess.DEVNULL).returncode
    0
    """
    env = {**os.environ, **LATEX_ENV}
    if command[0] != "dvisvgm":
        command = [command[0], "-no-shell-escape", *command[1:]]
        # Absolute paths are open only below TEXMFOUTPUT: the cache.
        out = next(a for a in command if a.startswith("-output-directory="))
        env["TEXMFOUTPUT"] = kwargs["cwd"] = out.partition("=")[2]
        kwargs["stderr"] = subprocess.DEVNULL  # its errors are in its .log
    try:
        return subprocess.run(command, env=env, timeout=LATEX_SECONDS, **kwargs)
    except subprocess.TimeoutExpired:
        raise LatexError(
            f"{command[0]} ran past {LATEX_SECONDS:g} s on a formula: stopped"
        ) from None


def _lock_latex_compiles() -> None:
    """Let processes share the LaTeX cache: each formula compiled by one at a time,
    different formulas at once.

    Manim is not made for a cache shared by processes at once (parallel scenes, tests
    on both cores): after each compile it deletes every non-SVG file in the cache,
    other processes' .tex and .dvi mid-compile included; it writes the .tex and the
    SVG in place, where a killed process leaves half a file that passes for the
    formula; and it parses each SVG through a temporary copy with a fixed name beside
    it, which a second reader overwrites and deletes. So a formula is typeset by
    :func:`_typeset`, under a lock of its own, and parsed under the same lock. A
    LaTeX that hangs then holds only the processes that need its formula (until
    :data:`LATEX_SECONDS`), never a command that typesets another one, or nothing.
    """
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim.mobject.svg.svg_mobject import SVGMobject

    if getattr(tex_mobject.tex_to_svg_file, "locked", False):
        return
    tex_mobject.tex_to_svg_file = _typeset
    SVGMobject.generate_mobject = _parsed_under_lock(SVGMobject.generate_mobject)


@contextlib.contextmanager
def formula_lock(cache: Path, name: str, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of the formula ``name`` (its file's stem) of the LaTeX cache
    ``cache``, across processes. The locks live beside the cache, not in it.

    With ``wait`` false a lock that another process holds is not waited for: the
    block is told whether it holds the lock (True) or not.

    Examples
    --------
    >>> import tempfile
    >>> cache = Path(tempfile.mkdtemp()) / "Tex"
    >>> with formula_lock(cache, "x") as held, formula_lock(cache, "x", wait=False) as too:
    ...     (held, too)
    (True, False)
    """
    locks = cache.parent / ".tex.locks"
    locks.mkdir(parents=True, exist_ok=True)
    # Appended to, never truncated: a link placed there changes nothing it points to.
    with open(locks / f"{name}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
        else:
            yield True


def _typeset(
    expression: str, environment: str | None = None, tex_template: Any = None
) -> Path:
    """Manim's ``tex_to_svg_file`` for a cache that processes share: the SVG of the
    formula, at the name Manim gives it, compiled under the formula's lock if the
    cache lacks it.

    The template's preamble is loaded from a format when it can be
    (:func:`_compiled_with_format`). The compile runs under a name of this
    process's own (:func:`mathvid.media.tag`), removed after it, and the SVG is
    renamed into place whole: a process killed mid-compile leaves no file that
    passes for the formula, and the next compile of the formula removes what it
    left. A failed compile keeps its .log for the error to point at, until then.
    """
    from manim import config
    from manim.utils import tex_file_writing as writing

    from mathvid.media import remove_left_behind, tag

    template = tex_template or config["tex_template"]
    if environment is None:
        code = template.get_texcode_for_expression(expression)
    else:
        code = template.get_texcode_for_expression_in_env(expression, environment)
    cache = config.get_dir("tex_dir")
    name = writing.tex_hash(code)
    svg = cache / f"{name}.svg"
    if svg.exists():  # whole: an SVG only ever appears by a rename
        return svg
    cache.mkdir(parents=True, exist_ok=True)
    with formula_lock(cache, name):
        if svg.exists():  # compiled by the process that held the lock
            return svg
        remove_left_behind(cache, f"{name}-*")
        for log in cache.glob(f"{name}-{os.getpid()}-*.log"):  # an earlier failure's
            log.unlink(missing_ok=True)
        job = cache / f"{name}-{tag()}.tex"
        try:
            dvi = _compiled_with_format(code, job, template)
            if dvi is None:  # no format, or it failed: the formula's error is told so
                job.write_text(code, encoding="utf-8")
                dvi = writing.compile_tex(
                    job, template.tex_compiler, template.output_format
                )
            os.replace(writing.convert_to_svg(dvi, template.output_format), svg)
        finally:
            for leftover in cache.glob(f"{job.stem}.*"):
                if leftover.suffix != ".log" or svg.exists():
                    leftover.unlink(missing_ok=True)
    return svg


_typeset.locked = True  # type: ignore[attr-defined]


def _parsed_under_lock(generate_mobject: Callable) -> Callable:
    """``SVGMobject.generate_mobject`` under the lock of the SVG's formula: Manim
    parses through a copy with a fixed name beside the SVG."""

    def parsed(self: Any) -> Any:
        from manim import config

        with formula_lock(config.get_dir("tex_dir"), self.get_file_path().stem):
            return generate_mobject(self)

    return parsed


# --- the template's preamble precompiled ----------------------------------------------
#
# Most of a formula's LaTeX run reads the template's preamble (the class, amsmath,
# babel, ...). A format made of that preamble once (``latex -ini``, then ``\dump``)
# is loaded in its place by every later run, which then reads only the document: the
# same DVI, sooner.

BEGIN = "\\begin{document}"
"""Where a template's preamble ends and its document begins."""

_FORMATS: dict[Path, Path | None] = {}
"""This process's verdict on each format, by its record: the format, or None (no
format to use: typeset without one)."""
_UNMADE: set[Path] = set()
"""The formats this process failed to make (an error, not a preamble that cannot
be one): not tried again by it, but taken when another process has made them
meanwhile (until then, formulas are typeset without)."""


def _compiled_with_format(code: str, job: Path, template: Any) -> Path | None:
    """The DVI of the LaTeX ``code`` of ``template``, compiled at ``job`` with its
    preamble loaded from a format (:func:`_format`); None if no format applies, there
    is none, or the run failed: the caller compiles as usual then, and a formula's
    error is told as it always was."""
    from manim.utils import tex_file_writing as writing

    head = _preamble(code, template)
    fmt = None if head is None else _format(head, template.tex_compiler, job.parent)
    if fmt is None:
        return None
    job.write_text(code[len(head) :], encoding="utf-8")
    command = writing.make_tex_compilation_command(
        template.tex_compiler, template.output_format, job, job.parent
    )
    # Without "-no-mktex=fmt" a format removed meanwhile would be looked for with
    # TeX Live's mktexfmt, slowly and in vain.
    loading = [f"-fmt={fmt.as_posix()}", "-no-mktex=fmt"]
    done = _sandboxed_run([command[0], *loading, *command[1:]], stdout=subprocess.DEVNULL)
    dvi = job.with_suffix(template.output_format)
    if done.returncode == 0 and dvi.exists():
        return dvi
    if not job.with_suffix(".log").exists():  # the format itself was not loaded
        _FORMATS[fmt.with_suffix(".json")] = None  # so no other formula tries it
    # The usual compile starts afresh: no page shipped out before the failure, no
    # .aux of this run for it to read.
    for leftover in job.parent.glob(f"{job.stem}.*"):
        leftover.unlink(missing_ok=True)
    return None


def _preamble(code: str, template: Any) -> str | None:
    r"""The part of ``code`` (a formula in ``template``) before ``\begin{document}``,
    for a format to hold; None when ``template`` compiles otherwise than by ``latex``
    to DVI (Manim's default: formats of the others are untried) or its preamble
    changes with the formula.

    Examples
    --------
    >>> from manim import TexTemplate
    >>> template = TexTemplate()
    >>> code = template.get_texcode_for_expression("x^2")
    >>> _preamble(code, template).splitlines()[0]
    '\\documentclass[preview]{standalone}'
    >>> code[len(_preamble(code, template)) :].splitlines()[:2]
    ['\\begin{document}', 'x^2']
    >>> _preamble(code, TexTemplate(tex_compiler="xelatex", output_format=".xdv"))
    """
    if (template.tex_compiler, template.output_format) != ("latex", ".dvi"):
        return None
    head = template.get_texcode_for_expression("").partition(BEGIN)[0]
    # A first line "%&name" chooses a format of its own.
    if not head or head.startswith("%&") or not code.startswith(head + BEGIN):
        return None
    return head


def _format(head: str, compiler: str, cache: Path) -> Path | None:
    """The format of the preamble ``head`` for LaTeX cache ``cache``, kept beside it
    in ``.tex.formats``: the one made before if the files it was made of are
    unchanged (:func:`_recorded`), else made now (:func:`_make_format`); None if there
    is none to use.

    One process makes it: another that finds it being made typesets without it
    meanwhile rather than wait.
    """
    digest = hashlib.sha256(repr((compiler, head)).encode()).hexdigest()[:16]
    record = cache.parent / ".tex.formats" / f"format-{digest}.json"
    if record in _FORMATS:
        return _FORMATS[record]
    known, fmt = _recorded(record)
    if not known and record not in _UNMADE:
        with formula_lock(cache, record.stem, wait=False) as held:
            if not held:
                return None
            known, fmt = _recorded(record)  # made by the process that held the lock
            if not known:
                fmt = _make_format(head, compiler, cache, record)
                known, _ = _recorded(record)
                if not known:  # not made, nor found unmakeable: a full disk, a stuck run
                    _UNMADE.add(record)
    if known:
        _FORMATS[record] = fmt
    return fmt


def _recorded(record: Path) -> tuple[bool, Path | None]:
    """Whether the record ``record`` of a format stands (every file the format was
    made of unchanged since, and the format too), and the format it names (None:
    the preamble could not be made into one)."""
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
        current = all(_stamp(name) == [*stamp] for name, *stamp in made["inputs"])
        fmt = None if made["format"] is None else record.with_suffix(".fmt")
        if current and (fmt is None or _stamp(fmt) == made["format"]):
            return True, fmt
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or not ours
        pass
    return False, None


def _make_format(head: str, compiler: str, cache: Path, record: Path) -> Path | None:
    """Make the format of the preamble ``head`` (in ``cache``, under the sandbox) and
    its record, ``record``; the format, or None if it could not be made.

    The format is renamed into place whole and the record written after it, so a
    process killed meanwhile leaves no record, and a format without one is made
    again: nothing half made is ever loaded. A preamble that fails is recorded as
    such, so that no other process tries it again until its files change.
    """
    from mathvid.media import remove_left_behind, replacing, tag, write_text

    remove_left_behind(cache, f"{record.stem}-*")
    job = cache / f"{record.stem}-{tag()}.tex"
    fmt = record.with_suffix(".fmt")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        job.write_text(head + "\n\\dump\n", encoding="utf-8")
        done = _sandboxed_run(
            [
                compiler,
                "-ini",
                "-recorder",  # the files it reads, in its .fls
                "-interaction=batchmode",
                "-halt-on-error",
                f"-jobname={job.stem}",
                f"-output-directory={cache.as_posix()}",
                f"&{compiler}",  # LaTeX's own format, then the preamble
                job.as_posix(),
            ],
            stdout=subprocess.DEVNULL,
        )
        inputs = _inputs(job.with_suffix(".fls"), cache, compiler)
        made = job.with_suffix(".fmt")
        if done.returncode != 0 or not made.exists():
            write_text(record, json.dumps({"format": None, "inputs": inputs}))
            return None
        with replacing(fmt) as tmp:
            _unpacked(made, tmp)
        write_text(record, json.dumps({"format": _stamp(fmt), "inputs": inputs}))
        return fmt
    except (OSError, EOFError, LatexError):  # a full disk, a stuck run: none this time
        return None
    finally:
        for leftover in cache.glob(f"{job.stem}.*"):
            leftover.unlink(missing_ok=True)


def _unpacked(made: Path, target: Path) -> None:
    """The format ``made`` written to ``target`` uncompressed.

    TeX compresses the formats it writes (zlib) and reads them back either way;
    inflating one is most of the time a run takes to load it.

    Examples
    --------
    >>> import gzip, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "made.fmt").write_bytes(gzip.compress(b"format"))
    >>> _unpacked(folder / "made.fmt", folder / "x.fmt")
    >>> (folder / "x.fmt").read_bytes()
    b'format'
    """
    try:
        with gzip.open(made) as packed, open(target, "wb") as out:
            shutil.copyfileobj(packed, out)
    except gzip.BadGzipFile:  # written uncompressed: kept as it is
        os.replace(made, target)


def _inputs(recording: Path, cache: Path, compiler: str) -> list[list]:
    """The files a format was made of, each with its :func:`_stamp`: those the
    recording ``recording`` (LaTeX's .fls) lists outside ``cache`` (its classes,
    packages, configuration and LaTeX's own format) and the ``compiler``'s program:
    a TeX Live update changes one of them."""
    lines = recording.read_text(encoding="utf-8", errors="replace").splitlines()
    names = {line[len("INPUT ") :] for line in lines if line.startswith("INPUT ")}
    program = shutil.which(compiler)
    if program is not None:
        names.add(os.path.realpath(program))
    own = f"{cache.as_posix()}/"
    files = sorted(n for n in names if os.path.isabs(n) and not n.startswith(own))
    return [[name, *stamp] for name in files if (stamp := _stamp(name)) is not None]


def _stamp(path: str | Path) -> list[int] | None:
    """The size and time of change of the file ``path`` (None if there is none): a
    file changed or replaced has another."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]
