"""Each vmobject's Cairo path built once while its points stay the same, then replayed.

Manim builds a vmobject's path in Python on every frame it draws it (a move and a
call per Bézier curve, a glyph's dozens of curves, every glyph of every formula
drawn after something that moves): about a quarter of a render's main thread.
Most of those paths are the same as on the frame before.

Here the path Manim builds is kept with the vmobject (:class:`Memo`), and drawn
again in one call while the inputs it was built from are the same: the points'
bytes (they change in place: updaters, animations, and ``DecimalNumber`` zeroing
its old digits), the context's matrix (a moving camera's frame) and the vmobject's
tolerance for equal points (where subpaths split). Cairo keeps a path in device
space, in 24.8 fixed point; copied out under the identity matrix, it comes back as
exactly those numbers (each a multiple of 1/256), and appended under the identity
matrix it goes in as exactly those numbers again: the context then holds the very
path Manim's calls made, and the pixels are the same, byte for byte (the tests
compare frames with Manim's own method's, :data:`MANIMS`).

Points a camera moves before drawing them (``ThreeDCamera`` projects them) keep
Manim's method, their bytes would not say what is drawn; a 3-D camera's mobjects
fixed in the frame (titles, formulas, captions) it draws as they are, and those are
replayed.

Examples
--------
>>> install()
>>> from manim.camera.camera import Camera
>>> Camera.set_cairo_context_path is set_cairo_context_path
True
"""

from __future__ import annotations

from typing import Any

import cairo

from mathvid.run.patching import replace

MANIMS: dict[str, Any] = {}
"""Manim's own ``set_cairo_context_path``, once replaced (the tests compare)."""


def install() -> None:
    """Make Manim's Cairo camera draw through :func:`set_cairo_context_path`;
    idempotent."""
    from manim.camera.camera import Camera
    from manim.camera.three_d_camera import ThreeDCamera

    replace(Camera, "set_cairo_context_path", set_cairo_context_path, MANIMS)
    _AS_THEY_ARE[Camera.transform_points_pre_display] = False
    _AS_THEY_ARE[ThreeDCamera.transform_points_pre_display] = True


_AS_THEY_ARE: dict[Any, bool] = {}
"""Manim's ``transform_points_pre_display`` methods that draw points as they are
(non-finite ones aside): for every mobject (False) or only for those fixed in the
camera's frame (True)."""


class Memo:
    """A vmobject's path as Cairo holds it (device space), and what it was built
    from. Shared, not copied, with the vmobject's copies (it is never changed: a
    copy's points that differ only miss it); pickled as an empty memo."""

    __slots__ = ("matrix", "path", "points", "tolerance")

    def __init__(
        self,
        points: bytes | None = None,
        matrix: cairo.Matrix | None = None,
        tolerance: float = 0.0,
        path: cairo.Path | None = None,
    ) -> None:
        self.points, self.matrix, self.tolerance, self.path = (
            points,
            matrix,
            tolerance,
            path,
        )

    def __copy__(self) -> Memo:
        return self

    def __deepcopy__(self, memo: dict) -> Memo:
        return self

    def __reduce__(self) -> tuple[type, tuple]:
        return Memo, ()


def set_cairo_context_path(self: Any, ctx: cairo.Context, vmobject: Any) -> Any:
    """``Camera.set_cairo_context_path``: ``vmobject``'s path in ``ctx``, replayed
    from its :class:`Memo` when built from the same inputs, else built by Manim's
    method and kept."""
    manims = MANIMS["set_cairo_context_path"]
    points = vmobject.points
    if len(points) == 0 or not _drawn_as_they_are(self, vmobject):
        return manims(self, ctx, vmobject)  # (no points: Manim keeps the last path)
    key = points.tobytes()
    matrix = ctx.get_matrix()
    tolerance = vmobject.tolerance_for_point_equality
    memo = vmobject.__dict__.get("_cairo_path")
    if (
        memo is not None
        and memo.points == key
        and memo.matrix == matrix
        and memo.tolerance == tolerance
    ):
        ctx.new_path()
        ctx.identity_matrix()
        ctx.append_path(memo.path)
        ctx.set_matrix(matrix)
        return self
    manims(self, ctx, vmobject)
    ctx.identity_matrix()
    path = ctx.copy_path()
    ctx.set_matrix(matrix)
    vmobject.__dict__["_cairo_path"] = Memo(key, matrix, tolerance, path)
    return self


def _drawn_as_they_are(camera: Any, vmobject: Any) -> bool:
    """Whether ``camera`` draws ``vmobject``'s points as they are (its path then
    depends on them and on the context's matrix alone)."""
    only_fixed = _AS_THEY_ARE.get(type(camera).transform_points_pre_display)
    if only_fixed is None:  # a camera that moves points its own way
        return False
    return not only_fixed or vmobject in camera.fixed_in_frame_mobjects
