"""A surface drawn as one mobject: the pixels of Manim's ``Surface``, without its
Python work per face.

Stock :class:`manim.Surface` is a group of one ``VMobject`` per face, so Manim's
Cairo camera does per-face Python work every frame (family walks, bounding boxes,
style look-ups), for each of a surface's hundreds of faces. :class:`MeshSurface`
holds the same faces, with the same Bézier control points, in one array; its
camera, :class:`SurfaceCamera`, projects them, sorts them by depth with the rest of
the scene and picks their colours in NumPy, and leaves Cairo only the drawing.

What stays the same as stock, so that frames match it pixel for pixel: each face is
the closed path of four cubic Béziers, its handles mapped as ``Surface`` maps them;
faces are drawn back to front by the ``z`` of their centre, sorted in among the
other ``shade_in_3d`` mobjects exactly as :class:`manim.ThreeDCamera` sorts them;
each face is filled, then stroked, in its own colours. What is not there: Manim's
3D shading (the light source's gradient on each face; scenes here turn it off with
``camera.should_apply_shading = False``), checkerboard colours, and transforms
between surfaces of different resolutions.
"""

from __future__ import annotations

import itertools as it
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import cairo
import numpy as np
from manim import BLUE_D, LIGHT_GREY, Mobject, ThreeDAxes, ThreeDCamera, VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP, Camera
from manim.utils.color import ManimColor, ParsableManimColor

# A face's 16 control points are 4 cubics (anchor, handle, handle, anchor); Cairo
# needs the first anchor, then each cubic's last three points.
_PATH = [0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15]
_ANCHORS = [0, 3, 4, 7, 8, 11, 12, 15]
_SAMPLES = np.linspace(0, 1, 10)  # VMobject's curve-length samples (get_midpoint)
_HANDLE_PULL = 0.00001  # Surface's pre_function_handle_to_anchor_scale_factor


class MeshSurface(VMobject):
    """The graph ``(u, v) ↦ func(u, v)`` as one mobject, faces coloured one by one.

    A drop-in for :class:`manim.Surface` (without its checkerboard): the points are
    each face's 16 Bézier control points, face after face, so ``shift``, ``rotate``,
    ``stretch`` and their ``.animate`` forms move it as they move a ``Surface``;
    ``fill_rgbas`` and ``stroke_rgbas`` hold one row per face, so ``set_opacity``,
    ``FadeIn`` and ``Transform`` fade and blend each face's own colour. Only
    :class:`SurfaceCamera` can draw it.

    Parameters
    ----------
    func
        Maps ``(u, v)`` to a point in space.
    u_range, v_range
        The parameter ranges.
    resolution
        Faces along ``u`` and ``v`` (one number for both).
    fill_color, fill_opacity, stroke_color, stroke_width
        Every face's style until :meth:`set_fill_by_value` colours them.

    Examples
    --------
    >>> from manim import BLUE, YELLOW, ThreeDAxes
    >>> axes = ThreeDAxes()
    >>> bowl = MeshSurface(lambda u, v: axes.c2p(u, v, u * u + v * v), (-1, 1), (-1, 1), 8)
    >>> bowl.set_fill_by_value(axes, [BLUE, YELLOW]).n_faces
    64
    >>> bowl.fill_rgbas.shape, bowl.points.shape
    ((64, 4), (1024, 3))
    """

    def __init__(
        self,
        func: Callable[[float, float], np.ndarray],
        u_range: Sequence[float] = (0, 1),
        v_range: Sequence[float] = (0, 1),
        resolution: int | Sequence[int] = 32,
        fill_color: ParsableManimColor = BLUE_D,
        fill_opacity: float = 1.0,
        stroke_color: ParsableManimColor = LIGHT_GREY,
        stroke_width: float = 0.5,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            fill_color=fill_color,
            fill_opacity=fill_opacity,
            stroke_color=stroke_color,
            stroke_width=stroke_width,
            **kwargs,
        )
        n_u, n_v = (resolution, resolution) if isinstance(resolution, int) else resolution
        self.n_faces = n_u * n_v
        self.points = _control_points(func, u_range, v_range, n_u, n_v)
        self.fill_rgbas = np.repeat(self.fill_rgbas[:1], self.n_faces, axis=0)
        self.stroke_rgbas = np.repeat(self.stroke_rgbas[:1], self.n_faces, axis=0)

    def faces(self) -> np.ndarray:
        """The control points face by face: (faces, 16, 3), a view of ``points``."""
        return self.points.reshape(self.n_faces, 16, 3)

    def face_centres(self) -> np.ndarray:
        """Each face's centre as ``get_center`` gives it for a face: the middle of the
        box around its anchors (a VMobject's bounds leave the handles out)."""
        anchors = self.faces()[:, _ANCHORS]
        return (anchors.min(axis=1) + anchors.max(axis=1)) / 2

    def face_midpoints(self) -> np.ndarray:
        """Each face's ``get_midpoint()``: halfway along its outline, by arc length.

        As ``VMobject.point_from_proportion`` measures it: each cubic's length from
        10 samples, then the cubic's own parameter for what is left of the way.
        """
        curves = self.faces().reshape(self.n_faces, 4, 4, 3)
        samples = np.einsum("sk,nckd->ncsd", _bernstein(_SAMPLES), curves)
        lengths = np.linalg.norm(np.diff(samples, axis=2), axis=3).sum(axis=2)
        target = lengths.sum(axis=1, keepdims=True) / 2
        before = np.cumsum(lengths, axis=1) - lengths
        k = np.argmax(before + lengths >= target, axis=1)[:, None]  # the curve reached
        length = np.take_along_axis(lengths, k, 1)
        rest = np.take_along_axis(target - before, k, 1)
        t = np.divide(rest, length, out=np.zeros_like(rest), where=length != 0)
        curve = np.take_along_axis(curves, k[:, :, None, None], 1)[:, 0]
        return np.einsum("nk,nkd->nd", _bernstein(t[:, 0]), curve)

    def set_fill_by_value(
        self,
        axes: ThreeDAxes,
        colorscale: Iterable[ParsableManimColor]
        | Iterable[tuple[ParsableManimColor, float]],
        axis: int = 2,
    ) -> MeshSurface:
        """Colour faces (fill and edge) along ``colorscale`` by a coordinate of their
        midpoint, as ``Surface.set_fill_by_value`` does; pivots as it places them."""
        scale = list(colorscale)
        if isinstance(scale[0], tuple) and len(scale[0]) == 2:
            colours = [ManimColor(c).to_rgb() for c, _ in scale]
            pivots = np.array([p for _, p in scale], dtype=float)
        else:
            colours = [ManimColor(c).to_rgb() for c in scale]
            low, high = [axes.x_range, axes.y_range, axes.z_range][axis][:2]
            step = (high - low) / (len(colours) - 1)
            pivots = np.arange(start=low, stop=high + step, step=step)
        values = axes.point_to_coords(self.face_midpoints())[:, axis]
        # Between pivots i − 1 and i: a straight line in RGB, as interpolate_color.
        i = np.clip(np.searchsorted(pivots, values, side="right"), 1, len(pivots) - 1)
        alpha = np.minimum((values - pivots[i - 1]) / (pivots[i] - pivots[i - 1]), 1)
        palette = np.array(colours)
        rgb = palette[i - 1] * (1 - alpha[:, None]) + palette[i] * alpha[:, None]
        rgb[values <= pivots[0]] = palette[0]
        rgb[values >= pivots[-1]] = palette[-1]
        # Stock sets each face's colour with set_color: its edge takes it too.
        self.fill_rgbas[:, :3] = rgb
        self.stroke_rgbas[:, :3] = rgb
        return self


def _bernstein(t: np.ndarray) -> np.ndarray:
    """The four cubic Bernstein weights at each ``t``: shape ``t.shape + (4,)``."""
    t = np.asarray(t, dtype=float)[..., None]
    return (1 - t) ** np.arange(3, -1, -1) * t ** np.arange(4) * np.array([1, 3, 3, 1])


def _control_points(
    func: Callable[[float, float], np.ndarray],
    u_range: Sequence[float],
    v_range: Sequence[float],
    n_u: int,
    n_v: int,
) -> np.ndarray:
    """Each face's outline as stock ``Surface`` builds it: the corners (u1, v1),
    (u2, v1), (u2, v2), (u1, v2) joined by straight cubics in the (u, v) plane, then
    mapped by ``func`` as ``VMobject.apply_function`` maps them: each handle is pulled
    to 1e-5 of its way from its anchor, mapped, then pushed back out, so an edge
    leaves its corner along the surface's tangent there."""
    us = np.linspace(*u_range, n_u + 1)
    vs = np.linspace(*v_range, n_v + 1)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(n_u), np.arange(n_v), indexing="ij"))
    u1, u2, v1, v2 = us[i], us[i + 1], vs[j], vs[j + 1]
    corners = np.stack(
        [np.stack(c, -1) for c in ((u1, v1), (u2, v1), (u2, v2), (u1, v2), (u1, v1))], 1
    )
    t = np.linspace(0, 1, 4)[None, None, :, None]  # VMobject._bezier_t_values
    uv = (1 - t) * corners[:, :-1, None] + t * corners[:, 1:, None]  # manim's interpolate
    # (faces, 4 cubics, anchor/handle/handle/anchor, 2): handles towards their anchors.
    anchor = uv[:, :, [0, 0, 3, 3]]
    uv = anchor + _HANDLE_PULL * (uv - anchor)
    # Neighbouring faces share their corners: map each distinct (u, v) once.
    unique, back = np.unique(uv.reshape(-1, 2), axis=0, return_inverse=True)
    mapped = np.array([func(u, v) for u, v in unique], dtype=float)[back.ravel()]
    mapped = mapped.reshape(*uv.shape[:3], 3)
    anchor = mapped[:, :, [0, 0, 3, 3]]
    return (anchor + (1.0 / _HANDLE_PULL) * (mapped - anchor)).reshape(-1, 3)


class _Faces(NamedTuple):
    """One frame's drawing of a surface: per face, the 13 projected points of its
    path (flat x, y) and its Cairo colours (b, g, r, a)."""

    paths: list[list[float]]
    fills: list[list[float]]
    strokes: list[list[float]]
    width: float
    join: cairo.LineJoin
    cap: cairo.LineCap


class FaceRun(NamedTuple):
    """Faces of one surface that come one after another in the depth order."""

    drawing: _Faces
    faces: list[int]


class SurfaceCamera(ThreeDCamera):
    """:class:`manim.ThreeDCamera` that also draws :class:`MeshSurface`.

    Depth order is ThreeDCamera's: every ``shade_in_3d`` mobject, and every face of
    a surface, is keyed by the ``z`` of its centre in the camera's frame; the rest
    come last; ties keep the scene's order (a stable sort). Faces that end up next
    to each other in that order are drawn in one go.

    Its Cairo contexts map the frame about the origin wherever the camera's centre
    is (:meth:`get_cairo_context`).
    """

    def get_cairo_context(self, pixel_array: np.ndarray) -> cairo.Context:
        """Manim's Cairo context for ``pixel_array``, its matrix about the origin.

        Manim makes one context per pixel array, its matrix shifted by
        ``frame_center`` as it is then. That is a 2-D camera's pan; a 3-D camera's
        projection takes ``frame_center`` off the points already (and leaves
        mobjects fixed in the frame about the origin), so a context made while the
        centre was moved drew everything that far off a second time. mathvid draws
        frames into several buffers (:func:`mathvid.run.encoding.render_frame`), a
        new one whenever the encoder has not yet handed one back: which frames came
        out shifted hung on the encoder's timing, and a still of a moment after the
        centre moved (previews, the studio) was always shifted.

        Examples
        --------
        >>> camera = SurfaceCamera(frame_center=[3.0, -1.0, 0.0])
        >>> matrix = camera.get_cairo_context(camera.pixel_array).get_matrix()
        >>> (matrix.x0, matrix.y0) == (camera.pixel_width / 2, camera.pixel_height / 2)
        True
        """
        ctx = self.get_cached_cairo_context(pixel_array)
        if ctx is None:
            ctx = super().get_cairo_context(pixel_array)
            scale_x = self.pixel_width / self.frame_width
            scale_y = self.pixel_height / self.frame_height
            # Manim's matrix (y flipped), less the shift by the frame's centre.
            ctx.set_matrix(
                cairo.Matrix(
                    scale_x, 0, 0, -scale_y, self.pixel_width / 2, self.pixel_height / 2
                )
            )
        return ctx

    def capture_mobjects(self, mobjects: Iterable[Mobject], **kwargs: Any) -> None:
        self.reset_rotation_matrix()
        shown = self.get_mobjects_to_display(mobjects, **kwargs)
        for kind, group in it.groupby(shown, self._kind):
            if kind is FaceRun:
                for run in group:
                    self.display_faces(run)
            else:
                self.display_funcs[kind](list(group), self.pixel_array)

    def _kind(self, item: Mobject | FaceRun) -> type:
        return FaceRun if isinstance(item, FaceRun) else self.type_or_raise(item)

    def get_mobjects_to_display(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> list[Mobject | FaceRun]:
        mobjects = Camera.get_mobjects_to_display(self, *args, **kwargs)
        if not mobjects:
            return []
        rot_t = self.get_rotation_matrix().T
        keys = []
        for mob in mobjects:
            if isinstance(mob, MeshSurface):
                keys.append(np.dot(mob.face_centres(), rot_t)[:, 2])
            elif getattr(mob, "shade_in_3d", False):
                keys.append([np.dot(mob.get_z_index_reference_point(), rot_t)[2]])
            else:
                keys.append([np.inf])
        owner = np.repeat(np.arange(len(mobjects)), [len(k) for k in keys])
        order = np.argsort(np.concatenate(keys), kind="stable")
        face = order - np.searchsorted(owner, owner[order])  # index within its owner
        owner = owner[order]
        starts = np.flatnonzero(np.diff(owner, prepend=-1))
        drawings = {}
        shown: list[Mobject | FaceRun] = []
        for start, end in zip(starts, [*starts[1:], len(owner)], strict=True):
            mob = mobjects[owner[start]]
            if isinstance(mob, MeshSurface):
                if id(mob) not in drawings:
                    drawings[id(mob)] = self._faces(mob)
                shown.append(FaceRun(drawings[id(mob)], face[start:end].tolist()))
            else:
                shown.append(mob)
        return shown

    def _faces(self, surface: MeshSurface) -> _Faces:
        points = self.transform_points_pre_display(surface, surface.points)
        xy = points[:, :2].reshape(surface.n_faces, 16, 2)[:, _PATH]
        bgra = [2, 1, 0, 3]  # Cairo's ARGB32 image is read as RGBA: swap r and b
        return _Faces(
            xy.reshape(surface.n_faces, -1).tolist(),
            surface.fill_rgbas[:, bgra].tolist(),
            surface.stroke_rgbas[:, bgra].tolist(),
            surface.get_stroke_width() * self.cairo_line_width_multiple,
            LINE_JOIN_MAP[surface.joint_type],
            CAP_STYLE_MAP[surface.cap_style],
        )

    def display_faces(self, run: FaceRun) -> None:
        """Fill, then stroke, each face of ``run`` in turn, as stock draws a face."""
        ctx = self.get_cairo_context(self.pixel_array)
        drawing = run.drawing
        paths, fills, strokes = drawing.paths, drawing.fills, drawing.strokes
        if drawing.width > 0:
            ctx.set_line_width(drawing.width)
            ctx.set_line_join(drawing.join)
            ctx.set_line_cap(drawing.cap)
        move_to, curve_to, close_path = ctx.move_to, ctx.curve_to, ctx.close_path
        set_source_rgba = ctx.set_source_rgba
        for k in run.faces:
            p = paths[k]
            ctx.new_path()
            move_to(p[0], p[1])
            curve_to(p[2], p[3], p[4], p[5], p[6], p[7])
            curve_to(p[8], p[9], p[10], p[11], p[12], p[13])
            curve_to(p[14], p[15], p[16], p[17], p[18], p[19])
            curve_to(p[20], p[21], p[22], p[23], p[24], p[25])
            close_path()
            set_source_rgba(*fills[k])
            if drawing.width > 0:
                ctx.fill_preserve()
                set_source_rgba(*strokes[k])
                ctx.stroke()
            else:
                ctx.fill()
