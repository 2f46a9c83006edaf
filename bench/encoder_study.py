"""x264 settings compared on lesson scenes' 1080p60 frames (bench/notes/encoder_1080p60.md).

``capture`` renders a lesson scene silently in this process and keeps the YUV420p
frames exactly as x264 receives them (after :mod:`mathvid.run.encoding`'s swscale
conversion), each with the ticks it is encoded at (a hold: its first and last) and the
segment (animation) it belongs to, plus every 40th RGBA frame for the conversion's
cost. ``study`` re-encodes the captures with each setting of :data:`SETTINGS` as the
renders do (one MP4 per segment, one thread, no B-frames), timing the encoder's CPU
around ``encode`` only, and decodes each result: Y-plane PSNR and SSIM against the
captured frames, weighted by how many ticks each frame is shown, and a check that
every decoded frame keeps its tick.

    python -m bench.encoder_study capture tangent-line /tmp/encoder-study
    python -m bench.encoder_study study /tmp/encoder-study knobs tangent-line race:200
    python -m bench.encoder_study convert /tmp/encoder-study tangent-line

Example
-------
>>> a = np.arange(64 * 64, dtype=np.uint8).reshape(64, 64)
>>> ssim_and_mse(a, a)
(1.0, 0.0)
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

W, H, FPS = 1920, 1080, 60
YUV_BYTES = W * H * 3 // 2
BASE = {"crf": "23", "threads": "1", "preset": "veryfast", "bf": "0"}
SETTINGS: dict[str, dict[str, str]] = {
    "veryfast (today)": {},
    "veryfast me=dia": {"x264-params": "me=dia"},
    "veryfast subme=1": {"x264-params": "subme=1"},
    "veryfast no lookahead/mbtree": {"x264-params": "rc-lookahead=0:mbtree=0"},
    "veryfast partitions=none": {"x264-params": "partitions=none"},
    "veryfast no 8x8dct": {"x264-params": "8x8dct=0"},
    "veryfast weightp=0": {"x264-params": "weightp=0"},
    "veryfast aq-mode=0": {"x264-params": "aq-mode=0"},
    "veryfast me=dia:subme=1": {"x264-params": "me=dia:subme=1"},
    "superfast": {"preset": "superfast"},
    "superfast crf 21": {"preset": "superfast", "crf": "21"},
    "ultrafast": {"preset": "ultrafast"},
    # Without mbtree (superfast, ultrafast) crf 23 is a higher quality: these match
    # today's PSNR instead.
    "superfast crf 26": {"preset": "superfast", "crf": "26"},
    "superfast crf 28": {"preset": "superfast", "crf": "28"},
    "ultrafast crf 30": {"preset": "ultrafast", "crf": "30"},
    "ultrafast crf 33": {"preset": "ultrafast", "crf": "33"},
}
SETS = {
    "knobs": list(SETTINGS)[:12],
    "equal": [
        "veryfast (today)",
        "veryfast subme=1",
        "veryfast me=dia:subme=1",
        *list(SETTINGS)[12:],
    ],
}
"""Settings compared side by side: each knob at today's crf, or at equal quality."""


def capture(scene_id: str, out: Path) -> None:
    """Render ``scene_id`` silently at 1080p60, writing ``<id>.yuv``, ``<id>.rgba`` and
    ``<id>.json`` (one ``[segment, ticks]`` per frame handed to the encoder) to ``out``."""
    from lesson.file import load_lesson
    from mathvid.run import encoding
    from mathvid.run.render import ROOT, Job, render

    out.mkdir(parents=True, exist_ok=True)
    yuv, rgba = (out / f"{scene_id}.yuv").open("wb"), (out / f"{scene_id}.rgba").open("wb")
    index: list[list] = []
    segments: dict[str, int] = {}
    pending: dict[int, int] = {}
    lock = threading.Lock()
    converted, ticks = encoding._converted, encoding._ticks

    def converting(encoder, pixels):  # the frame as x264 gets it
        frame = converted(encoder, pixels)
        with lock:
            seg = segments.setdefault(str(encoder.target), len(segments))
            pending[threading.get_ident()] = seg
            for plane in frame.planes:
                rows = np.frombuffer(plane, np.uint8).reshape(plane.height, -1)
                yuv.write(rows[:, : plane.width].tobytes())
            if len(index) % 40 == 0:
                rgba.write(np.ascontiguousarray(pixels).tobytes())
        return frame

    def ticking(container: str, first: int, repeat: int) -> list[int]:
        result = ticks(container, first, repeat)
        with lock:
            index.append([pending.pop(threading.get_ident()), result])
        return result

    encoding._converted, encoding._ticks = converting, ticking
    entry = load_lesson(ROOT / "lesson.toml").entry(scene_id)
    render(Job(entry.id, entry.scene, entry.params, "h"), out / "media")
    yuv.close()
    rgba.close()
    (out / f"{scene_id}.json").write_text(json.dumps(index))
    print(f"{scene_id}: {len(index)} frames in {len(segments)} segments")


def segments_of(
    folder: Path, scene_id: str, budget: int, cap: int = 180
) -> list[list[tuple[int, list]]]:
    """The capture's segments, each a list of (frame number, ticks) cut to its first
    ``cap`` frames; every n-th segment only, so that about ``budget`` frames are
    encoded (of the n choices, one with the longest animation, e.g. the race)."""
    index = json.loads((folder / f"{scene_id}.json").read_text())
    segs: dict[int, list] = {}
    for k, (seg, ticks) in enumerate(index):
        segs.setdefault(seg, []).append((k, ticks))
    cut = [seg[:cap] for seg in segs.values()]
    encoded = sum(len(t) for seg in cut for _, t in seg)
    stride = max(1, round(encoded / budget))
    longest = max(cut, key=len)
    choices = [cut[offset::stride] for offset in range(stride)]

    def fit(segs: list) -> tuple[bool, int]:
        return longest in segs, -abs(sum(len(t) for seg in segs for _, t in seg) - budget)

    return max(choices, key=fit)


def load(frames: np.memmap, k: int) -> av.VideoFrame:
    frame = av.VideoFrame(W, H, "yuv420p")
    data, at = frames[k * YUV_BYTES : (k + 1) * YUV_BYTES], 0
    for plane in frame.planes:
        rows = np.frombuffer(plane, np.uint8).reshape(plane.height, -1)
        size = plane.height * plane.width
        rows[:, : plane.width] = data[at : at + size].reshape(plane.height, plane.width)
        at += size
    return frame


def encode(frames: np.memmap, segs: list, options: dict[str, str]) -> tuple[float, list]:
    """CPU seconds spent in x264 (``encode`` and flush only) and each segment's MP4."""
    cpu, videos = 0.0, []
    for seg in segs:
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=FPS, options=options)
            stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
            for k, ticks in seg:
                frame = load(frames, k)  # not timed
                for pts in ticks:
                    frame.pts, frame.time_base = pts, Fraction(1, FPS)
                    start = time.process_time()
                    packets = stream.encode(frame)
                    cpu += time.process_time() - start
                    for packet in packets:
                        container.mux(packet)
            start = time.process_time()
            packets = stream.encode()
            cpu += time.process_time() - start
            for packet in packets:
                container.mux(packet)
        videos.append(buffer.getvalue())
    return cpu, videos


def ssim_and_mse(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean SSIM over 8×8 windows at a stride of 4 (as x264 and ffmpeg compute it)
    and the mean squared error of two grey pictures."""
    x, y = a.astype(np.int32), b.astype(np.int32)  # x * y and 16 of them fit
    h, w = x.shape[0] // 4 * 4, x.shape[1] // 4 * 4

    def window(z: np.ndarray) -> np.ndarray:
        rows = z[:h, :w].reshape(h, w // 4, 4)  # added by hand: numpy's sum is slower
        cols = (rows[..., 0] + rows[..., 1] + rows[..., 2] + rows[..., 3]).reshape(
            h // 4, 4, -1
        )
        blocks = cols[:, 0] + cols[:, 1] + cols[:, 2] + cols[:, 3]
        return (blocks[:-1, :-1] + blocks[1:, :-1] + blocks[:-1, 1:] + blocks[1:, 1:]) / 64

    mx, my, xx, yy, xy = (window(z) for z in (x, y, x * x, y * y, x * y))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    vx, vy, cov = xx - mx * mx, yy - my * my, xy - mx * my
    ssim = (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(ssim.mean()), float(np.mean((x - y) ** 2))


def quality(frames: np.memmap, segs: list, videos: list) -> dict[str, float]:
    """Y-plane PSNR (of the mean squared error) and mean SSIM over the frames encoded,
    and the same with each frame weighted by the ticks it is shown; fails unless every
    frame is stored in the order shown and decodes at its own tick (what keeps a
    hold's timing in MP4)."""
    weights, ssims, mses = [], [], []
    for seg, video in zip(segs, videos, strict=True):
        expected = [(k, t) for k, ticks in seg for t in ticks]
        with av.open(io.BytesIO(video)) as container:
            packets = [p for p in container.demux(video=0) if p.pts is not None]
            assert all(p.pts == p.dts for p in packets), "frames stored out of order"
            container.seek(0)
            decoded = list(container.decode(video=0))
        got = [round(f.pts * f.time_base * FPS) for f in decoded]
        assert got == [t for _, t in expected], f"timing lost: {got} != {expected}"
        ends = [*got[1:], got[-1] + 1]
        for (k, tick), end, frame in zip(expected, ends, decoded, strict=True):
            source = np.asarray(frames[k * YUV_BYTES : k * YUV_BYTES + W * H]).reshape(H, W)
            plane = frame.planes[0]
            shown = np.frombuffer(plane, np.uint8).reshape(H, -1)[:, :W]
            s, m = ssim_and_mse(source, shown)
            weights.append(end - tick), ssims.append(s), mses.append(m)
    out = {}
    for name, w in (("", None), ("_shown", weights)):
        mse = float(np.average(mses, weights=w))
        out["psnr" + name] = round(float(10 * np.log10(255**2 / mse)), 3)
        out["ssim" + name] = round(float(np.average(ssims, weights=w)), 5)
    return out


def x264_options(video: bytes) -> str:
    """The settings x264 wrote into its first frame (an SEI message)."""
    at = video.find(b"options: ")
    return video[at + 9 : video.find(b"\x00", at)].decode(errors="replace")


def study(folder: Path, scenes: list[str], names: list[str], runs: int = 3) -> dict:
    """Each setting on each scene (``id`` or ``id:budget``, 300 frames by default):
    median CPU ms a frame, bytes, PSNR, SSIM."""
    results: dict = {}
    for scene in scenes:
        scene_id, _, budget = scene.partition(":")
        frames = np.memmap(folder / f"{scene_id}.yuv", np.uint8, "r")
        segs = segments_of(folder, scene_id, int(budget or 300))
        n = sum(len(ticks) for seg in segs for _, ticks in seg)
        cpus: dict[str, list[float]] = {name: [] for name in names}
        for run in range(runs):  # settings side by side in each run
            for name in names:
                cpu, videos = encode(frames, segs, {**BASE, **SETTINGS[name]})
                cpus[name].append(cpu)
                if run == 0:
                    results[f"{scene_id}|{name}"] = {
                        "bytes": sum(map(len, videos)),
                        **quality(frames, segs, videos),
                        "frames": n,
                        "x264": x264_options(videos[0]),
                    }
        for name in names:
            row = results[f"{scene_id}|{name}"]
            row["ms_per_frame"] = round(1000 * statistics.median(cpus[name]) / n, 2)
            row["ms_runs"] = [round(1000 * c / n, 2) for c in cpus[name]]
            print(scene_id, name, {k: v for k, v in row.items() if k != "x264"}, flush=True)
    return results


def conversion(folder: Path, scene_id: str, runs: int = 3) -> dict[str, dict]:
    """swscale RGBA → YUV420p ms a frame for each interpolation (runs side by side,
    after a warm-up), and how far its Y and its chroma are from the default's
    (BILINEAR, as :mod:`mathvid.run.encoding` converts): the largest difference."""
    from av.video.reformatter import Interpolation, VideoReformatter

    raw = np.fromfile(folder / f"{scene_id}.rgba", np.uint8).reshape(-1, H, W, 4)
    sources = [av.VideoFrame.from_ndarray(p, format="rgba") for p in raw]
    names = ("BILINEAR", "FAST_BILINEAR", "POINT", "AREA", "BICUBIC")
    reformatters = {name: VideoReformatter() for name in names}
    times: dict[str, list[float]] = {name: [] for name in names}
    planes: dict[str, list[np.ndarray]] = {}
    for run in range(runs + 1):  # the first run warms up
        for name in names:
            start = time.process_time()
            yuv = [
                reformatters[name].reformat(
                    f, W, H, "yuv420p", interpolation=Interpolation[name], threads=1
                )
                for f in sources
            ]
            if run:
                times[name].append((time.process_time() - start) / len(sources))
            planes[name] = [visible(p) for f in yuv for p in f.planes]
    out = {}
    for name in names:
        diff = [
            np.abs(a.astype(int) - b).max()
            for a, b in zip(planes[name], planes["BILINEAR"], strict=True)
        ]
        out[name] = {
            "ms_per_frame": round(1000 * statistics.median(times[name]), 2),
            "max_diff_y": int(max(diff[0::3])),
            "max_diff_uv": int(max(diff[1::3] + diff[2::3])),
        }
    return out


def visible(plane: av.video.plane.VideoPlane) -> np.ndarray:
    """A plane's pixels without the padding at the end of its rows."""
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, -1)
    return rows[:, : plane.width].copy()


if __name__ == "__main__":
    command, where, *rest = sys.argv[1:]
    if command == "capture":
        capture(rest[0], Path(where))
    elif command == "convert":
        print(json.dumps(conversion(Path(where), rest[0]), indent=1))
    else:  # study <folder> <knobs|equal> <scene[:budget]>...
        found = study(Path(where), rest[1:], SETS[rest[0]])
        (Path(where) / f"study-{rest[0]}.json").write_text(json.dumps(found, indent=1))
