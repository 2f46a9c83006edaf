"""A frame's reset to its background limited to what was drawn over it since.

Before each frame, Manim's Cairo camera copies a whole background into its pixel
array (``Camera.set_pixel_array``: the theme's colour, or the picture of what
stays still during an animation): 8 MB at 1080p, about a twentieth of a render's
CPU. Most of the array already holds that very background: the frame buffers
that the encoder hands back (:mod:`mathvid.run.encoding`) hold their last frame,
which differs from the background only where something was drawn over it.

Here each pixel array keeps a note (:class:`Ink`) of the background it was last
set to and of the box that holds everything drawn into it since. Each vmobject
Manim's camera draws (fill and strokes of its path) is noted once drawn
(:func:`_note`): its path's extents, which Cairo keeps in device space, widened
by the pen (half the line width, times the miter limit where joins are mitred)
and by :data:`PAD` pixels for antialiasing and the flattening of curves. Setting
the array to the same background again copies only that box. Any other
background, any other drawing (an image, a point cloud, a background-coloured
vmobject, a camera's own Cairo drawing such as a mesh surface's faces, a camera
that composes other cameras' pixels), or a box past :data:`FULL_SHARE` of the
frame, copies all of it, as Manim does. The pixels are the same, byte for byte
(the tests compare frames with Manim's own reset, :data:`MANIMS`).

A background array must not change in place once set (Manim and mathvid make a
new one for a new background: ``init_background``, the still picture of each
animation).

Examples
--------
>>> install()
>>> from manim.camera.camera import Camera
>>> Camera.set_pixel_array is set_pixel_array
True
"""

from __future__ import annotations

import math
from typing import Any

import cairo
import numpy as np

from mathvid.run.patching import replace

PAD = 2.0
"""Pixels added around each path's pen-widened extents: antialiased coverage
reaches the pixels a shape's edge crosses, and Cairo flattens curves within 0.1
pixel and keeps points in 1/256 of a pixel."""

MANIMS: dict[str, Any] = {}
"""Manim's own camera methods, once replaced (the tests compare)."""

_SQRT2 = math.sqrt(2.0)
_MITER = cairo.LineJoin.MITER
_SQUARE = cairo.LineCap.SQUARE
_JOINS: dict = {}  # Manim's LINE_JOIN_MAP and CAP_STYLE_MAP, once installed
_CAPS: dict = {}
FULL_SHARE = 0.6
"""Past this share of the frame inked, a reset copies all of it: noting each
further vmobject would cost more than the copy it could spare."""


def install() -> None:
    """Make Manim's Cairo camera reset, draw and overlay through this module;
    idempotent."""
    from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP, Camera

    _JOINS.update(LINE_JOIN_MAP)
    _CAPS.update(CAP_STYLE_MAP)
    ours = {
        "set_pixel_array": set_pixel_array,
        "get_cairo_context": get_cairo_context,
        "display_multiple_non_background_colored_vmobjects": (
            display_multiple_non_background_colored_vmobjects
        ),
        "overlay_PIL_image": overlay_PIL_image,
        "display_point_cloud": display_point_cloud,
    }
    for name, method in ours.items():
        replace(Camera, name, method, MANIMS)


class Ink:
    """What a pixel array holds: the background it was last set to (``base``) and a
    box (device pixels ``x0, y0, x1, y1``) outside which it still holds it; ``full``
    when anything may differ anywhere."""

    __slots__ = ("array", "base", "box", "full", "height", "width")

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.height, self.width = array.shape[:2]
        self.base: np.ndarray | None = None
        self.box: list[float] | None = None
        self.full = True

    def set_to(self, base: np.ndarray | None) -> None:
        """The array now holds ``base`` everywhere (None: an unknown picture)."""
        self.base, self.box, self.full = base, None, base is None

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Something was drawn inside the box from ``(x0, y0)`` to ``(x1, y1)``
        (device pixels, ``x0 <= x1``, ``y0 <= y1``)."""
        box = self.box
        if box is None:
            self.box = box = [x0, y0, x1, y1]
        else:  # (comparisons, not min and max: this runs for every vmobject drawn)
            grown = False
            if x0 < box[0]:
                box[0], grown = x0, True
            if y0 < box[1]:
                box[1], grown = y0, True
            if x1 > box[2]:
                box[2], grown = x1, True
            if y1 > box[3]:
                box[3], grown = y1, True
            if not grown:
                return
        width, height = self.width, self.height
        area = (min(box[2], width) - max(box[0], 0)) * (
            min(box[3], height) - max(box[1], 0)
        )
        if area > FULL_SHARE * width * height:
            self.full = True  # little left to spare: stop measuring

    def pixels(self) -> tuple[slice, slice] | None:
        """The rows and columns the box covers (None: nothing drawn).

        >>> ink = Ink(np.zeros((10, 20, 4), np.uint8))
        >>> ink.set_to(ink.array.copy())
        >>> ink.add(2.0, 4.0, 3.5, 9.2)
        >>> ink.pixels()
        (slice(4, 10, None), slice(2, 4, None))
        """
        if self.box is None:
            return None
        x0, y0, x1, y1 = self.box
        rows = slice(max(0, math.floor(y0)), min(self.height, math.ceil(y1)))
        columns = slice(max(0, math.floor(x0)), min(self.width, math.ceil(x1)))
        return rows, columns


def ink_of(camera: Any, array: np.ndarray) -> Ink:
    """The :class:`Ink` of ``array``, one of ``camera``'s pixel arrays."""
    inks = camera.__dict__.setdefault("_inks", {})
    ink = inks.get(id(array))
    if ink is None or ink.array is not array:
        ink = inks[id(array)] = Ink(array)
    return ink


def set_pixel_array(self: Any, pixel_array: Any, convert_from_floats: bool = False) -> None:
    """``Camera.set_pixel_array``: the camera's array set to ``pixel_array``; only
    the box drawn since, when it was set to that very array last."""
    target = getattr(self, "pixel_array", None)
    if (
        convert_from_floats
        or not isinstance(pixel_array, np.ndarray)  # (a frame buffer's copy is one)
        or target is None
        or pixel_array.shape != target.shape
        or pixel_array.dtype != target.dtype
        or np.may_share_memory(pixel_array, target)
        or not _inks_kept(self)
    ):
        MANIMS["set_pixel_array"](self, pixel_array, convert_from_floats)
        ink_of(self, self.pixel_array).set_to(None)
        return
    ink = ink_of(self, target)
    if ink.full or ink.base is not pixel_array:
        np.copyto(target, pixel_array)
    else:
        drawn = ink.pixels()
        if drawn is not None:
            np.copyto(target[drawn], pixel_array[drawn])
    ink.set_to(pixel_array)


def _inks_kept(camera: Any) -> bool:
    """Whether every drawing of ``camera`` is noted: it captures mobjects as one of
    Manim's 2-D, moving or 3-D cameras does, with their Cairo context, and draws a
    vmobject as Manim's ``Camera`` does. A camera with its own drawing (the kit's
    surface camera draws faces with its own calls; Manim's multi-cameras copy
    other cameras' pixels) is reset whole every frame."""
    kept = _KEPT.get(type(camera))
    if kept is None:
        kept = _KEPT[type(camera)] = _noted_class(type(camera))
    return kept


def _noted_class(camera_class: type) -> bool:
    from manim.camera.camera import Camera
    from manim.camera.moving_camera import MovingCamera
    from manim.camera.three_d_camera import ThreeDCamera

    captures = {
        cls.__dict__["capture_mobjects"] for cls in (Camera, MovingCamera, ThreeDCamera)
    }
    return (
        camera_class.capture_mobjects in captures
        and camera_class.get_cairo_context is get_cairo_context
        and _drawn_as_noted(camera_class)
    )


_KEPT: dict[type, bool] = {}


def get_cairo_context(self: Any, pixel_array: np.ndarray) -> cairo.Context:
    """``Camera.get_cairo_context`` for a drawing this module does not follow (a
    camera's own, like a surface's faces): all of ``pixel_array`` may change."""
    ink_of(self, pixel_array).full = True
    return MANIMS["get_cairo_context"](self, pixel_array)


def display_multiple_non_background_colored_vmobjects(
    self: Any, vmobjects: Any, pixel_array: np.ndarray
) -> None:
    """``Camera.display_multiple_non_background_colored_vmobjects``: each vmobject
    drawn by Manim's ``display_vectorized``, then the box it can have inked noted
    in ``pixel_array``'s :class:`Ink` (:func:`_note`)."""
    ink = ink_of(self, pixel_array)
    if ink.full:  # always, for a camera whose drawing is not noted (_inks_kept)
        MANIMS["display_multiple_non_background_colored_vmobjects"](
            self, vmobjects, pixel_array
        )
        return
    ctx = MANIMS["get_cairo_context"](self, pixel_array)
    for vmobject in vmobjects:
        self.display_vectorized(vmobject, ctx)
        if not ink.full:
            _note(self, ctx, vmobject, ink)


def _drawn_as_noted(camera_class: type) -> bool:
    """Whether ``camera_class`` draws a vmobject as Manim's ``Camera`` does (its path
    filled and stroked, nothing else), which :func:`_note` bounds."""
    from manim.camera.camera import Camera

    return all(
        getattr(camera_class, name) is getattr(Camera, name)
        for name in ("display_vectorized", "apply_fill", "apply_stroke")
    )


def overlay_PIL_image(self: Any, pixel_array: np.ndarray, image: Any) -> None:
    """``Camera.overlay_PIL_image`` (images, background-coloured vmobjects): all of
    ``pixel_array`` rewritten."""
    ink_of(self, pixel_array).full = True
    MANIMS["overlay_PIL_image"](self, pixel_array, image)


def display_point_cloud(
    self: Any,
    pmobject: Any,
    points: Any,
    rgbas: Any,
    thickness: Any,
    pixel_array: np.ndarray,
) -> None:
    """``Camera.display_point_cloud``: all of ``pixel_array`` rewritten."""
    ink_of(self, pixel_array).full = True
    MANIMS["display_point_cloud"](self, pmobject, points, rgbas, thickness, pixel_array)


def _reach(camera: Any, ctx: cairo.Context, vmobject: Any) -> float:
    """How far, in user units, ``vmobject``'s strokes (Manim's: its background
    stroke, then its stroke) ink from its path: half the wider line, times the
    miter limit where joins are mitred (a miter's tip is at most that far from its
    corner) or √2 for square caps (their corners)."""
    width = vmobject.get_stroke_width()
    background = vmobject.get_stroke_width(True)
    if background > width:
        width = background
    if width == 0:
        return 0.0
    factor = 1.0
    if _JOINS[vmobject.joint_type] == _MITER:
        factor = max(factor, ctx.get_miter_limit())
    if _CAPS[vmobject.cap_style] == _SQUARE:
        factor = max(factor, _SQRT2)
    return 0.5 * width * camera.cairo_line_width_multiple * factor


def _note(camera: Any, ctx: cairo.Context, vmobject: Any, ink: Ink) -> None:
    """Note in ``ink`` the box that ``vmobject``, just drawn in ``ctx`` (whose
    current path is still its own), can have inked."""
    reach = _reach(camera, ctx, vmobject)
    m = ctx.get_matrix()
    ctx.identity_matrix()  # the path's extents as Cairo holds them: device pixels
    x0, y0, x1, y1 = ctx.path_extents()
    ctx.set_matrix(m)
    if (
        reach == 0
        and (x1 - x0) * (y1 - y0) > 0.25 * ink.width * ink.height
        and not vmobject.fill_rgbas[:, 3].any()
    ):
        return  # a large clear fill, no stroke: nothing inked (a moving camera's frame)
    # A pen of radius r in user space reaches this far along each device axis.
    px = reach * (abs(m.xx) + abs(m.xy)) + PAD
    py = reach * (abs(m.yx) + abs(m.yy)) + PAD
    ink.add(x0 - px, y0 - py, x1 + px, y1 + py)
