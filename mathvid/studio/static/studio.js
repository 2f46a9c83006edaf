// The mathvid studio page: scenes, a timeline with a playhead, the frame at the
// playhead, the scene's parameters. The server draws frames; this page asks for one
// at a time (the latest playhead position wins) and follows the server's events.
// Space plays the scene's clip from the playhead, or, while the clip renders, a
// draft the server draws ahead of the playing; the playhead is always the moment of
// the picture on screen (the clip's clock on its frames, the draft's pictures').
"use strict";

const data = JSON.parse(document.getElementById("studio-data").textContent);
const $ = (id) => document.getElementById(id);
// version: of the lesson file the values shown were read from; an edit says it, and
// the studio refuses one based on a file that has changed since (409).
const state = { scenes: [], id: null, t: 0, playing: false, version: null };
let editing = Promise.resolve(); // edits are sent one after another, each with the
// version the one before it wrote
let asking = false; // a frame request is in flight
let again = false; // the playhead moved meanwhile: ask once more when it is back
let draft = null; // the draft playing: its pictures as they come, and its clock
let following = null; // the clip's playing the playhead follows (followClip)
const HEADER = 32; // a draft picture's header: its moment, then its length (ASCII)

function scene() {
  return state.scenes.find((s) => s.id === state.id);
}

async function loadScenes() {
  const answer = await fetch("/api/scenes?wait=0");
  const lesson = await answer.json();
  // A scene being run again keeps its last timeline until the new one comes (marked
  // stale): the playhead is then moved from the old timeline to the new.
  const old = new Map(state.scenes.map((s) => [s.id, s]));
  state.scenes = lesson.scenes.map((s) => {
    const last = old.get(s.id);
    if (s.steps || !last || !last.steps) return s;
    return { ...s, steps: last.steps, duration: last.duration, stale: true };
  });
  state.version = lesson.version;
  $("lesson-title").textContent = `${lesson.title} — ${data.lesson}`;
  showError("lesson-error", lesson.lesson_error);
  drawSceneList();
}

function drawSceneList() {
  // Drawn anew only when the scenes or their titles change: a click in progress on
  // a button is never lost to a redraw.
  const list = $("scenes");
  const drawn = JSON.stringify(state.scenes.map((s) => [s.id, s.title]));
  if (list.dataset.drawn === drawn) {
    for (const button of list.querySelectorAll("button")) {
      button.setAttribute("aria-current", String(button.dataset.scene === state.id));
    }
    return;
  }
  list.dataset.drawn = drawn;
  list.replaceChildren();
  for (const s of state.scenes) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.scene = s.id;
    button.setAttribute("aria-current", String(s.id === state.id));
    button.append(s.title);
    const id = document.createElement("small");
    id.textContent = s.id;
    button.append(id);
    button.addEventListener("click", () => select(s.id));
    item.append(button);
    list.append(item);
  }
}

function select(id) {
  stopClip();
  state.id = id;
  state.t = 0;
  location.hash = id;
  drawSceneList();
  drawParams();
  drawTimeline();
  askFrame();
}

// ------------------------------------------------------------------ the timeline

function duration() {
  const s = scene();
  return s && s.duration ? s.duration : 0;
}

function drawTimeline() {
  const s = scene();
  const segments = $("segments");
  segments.replaceChildren();
  for (const [n, step] of (s.steps || []).entries()) {
    const part = document.createElement("div");
    part.className = "segment";
    part.style.flex = `${Math.max(step.end - step.start, 0.01)} 1 0`;
    part.textContent = `${n + 1}. ${step.name}`;
    part.title = step.caption;
    segments.append(part);
  }
  drawPlayhead();
}

function drawPlayhead() {
  const total = duration();
  const share = total ? Math.min(state.t / total, 1) : 0;
  $("playhead").style.left = `${share * 100}%`;
  $("clock").textContent = `${state.t.toFixed(2)} / ${total.toFixed(2)} s`;
  const timeline = $("timeline");
  timeline.setAttribute("aria-valuemax", total.toFixed(2));
  timeline.setAttribute("aria-valuenow", state.t.toFixed(2));
  const now = stepAt(state.t);
  [...$("segments").children].forEach((part, n) => {
    part.classList.toggle("current", n === now);
  });
}

function stepAt(t, steps = scene().steps || []) {
  let found = 0;
  steps.forEach((step, n) => {
    if (step.start <= t + 1e-6) found = n;
  });
  return found;
}

function moveTo(t) {
  const total = duration();
  state.t = Math.max(0, total ? Math.min(t, total) : t);
  drawPlayhead();
  askFrame();
}

function byStep(direction) {
  const steps = scene().steps || [];
  if (!steps.length) return;
  const now = stepAt(state.t);
  const intoStep = state.t - steps[now].start > 0.05;
  let target = now + direction;
  if (direction < 0 && intoStep) target = now; // back to this step's start first
  target = Math.max(0, Math.min(target, steps.length - 1));
  moveTo(steps[target].start);
}

function dragOn(timeline) {
  const at = (event) => {
    const box = timeline.getBoundingClientRect();
    return ((event.clientX - box.left) / box.width) * duration();
  };
  timeline.addEventListener("pointerdown", (event) => {
    stopClip();
    timeline.setPointerCapture(event.pointerId);
    moveTo(at(event));
  });
  timeline.addEventListener("pointermove", (event) => {
    if (timeline.hasPointerCapture(event.pointerId)) moveTo(at(event));
  });
}

// ------------------------------------------------------------------ frames

async function askFrame() {
  if (asking) {
    again = true;
    return;
  }
  asking = true;
  const id = state.id;
  const t = state.t;
  try {
    const answer = await fetch(`/api/frame?scene=${encodeURIComponent(id)}&t=${t}`);
    if (answer.ok) {
      show(await answer.blob(), id, t, false);
      showError("scene-error", null);
    } else {
      showError("scene-error", (await answer.json()).error); // the last frame stays
    }
  } catch (error) {
    showError("scene-error", `the studio does not answer (${error.message})`);
  } finally {
    asking = false;
  }
  if (again) {
    again = false;
    askFrame();
  }
}

function show(blob, id, t, drafted) {
  // A picture of scene id at t: a frame, or a draft's picture while playing.
  const img = $("frame");
  const old = img.src;
  img.src = URL.createObjectURL(blob);
  if (old) URL.revokeObjectURL(old);
  img.dataset.scene = id;
  img.dataset.t = String(t);
  img.dataset.draft = String(drafted);
  img.dataset.count = String(Number(img.dataset.count || 0) + 1);
}

// ------------------------------------------------------------------ playing

async function play() {
  const id = state.id;
  const answer = await fetch(`/api/clip?scene=${encodeURIComponent(id)}`);
  if (answer.status === 202) {
    playDraft(id, state.t); // the clip renders meanwhile, and replaces the draft
  } else if (answer.ok) {
    playClip(await answer.blob(), state.t);
  } else {
    showError("scene-error", (await answer.json()).error);
  }
}

function playClip(blob, from) {
  const video = $("clip");
  const old = video.src;
  video.src = URL.createObjectURL(blob);
  if (old) URL.revokeObjectURL(old);
  video.currentTime = from;
  video.hidden = false;
  playing(true, "");
  followClip(video);
  video.play();
}

function followClip(video) {
  // The playhead is the moment of the frame on screen: the clip's clock on its frame
  // grid, read every display frame (timeupdate comes every quarter second or so, and
  // a held picture is one long frame of the clip: no new frame to be told of).
  const run = {};
  following = run;
  const step = () => {
    if (following !== run || state.playing !== true) return;
    state.t = Math.floor(video.currentTime * data.fps + 1e-3) / data.fps;
    drawPlayhead();
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

async function playDraft(id, from) {
  const run = { controller: new AbortController(), queue: [], done: false };
  run.clock = null; // when the first picture was shown, and its moment
  draft = run;
  playing("draft", "playing a draft while the clip renders…");
  requestAnimationFrame(() => showDraft(run));
  const url = `/api/draft?scene=${encodeURIComponent(id)}&t=${from}`;
  try {
    const answer = await fetch(url, { signal: run.controller.signal });
    if (answer.ok) await readPictures(answer.body.getReader(), run);
    else showError("scene-error", (await answer.json()).error);
  } catch (error) {
    if (error.name !== "AbortError") {
      showError("scene-error", `the studio does not answer (${error.message})`);
    }
  }
  run.done = true;
}

async function readPictures(reader, run) {
  // Each picture: HEADER bytes (its moment, its length), then its JPEG.
  let buffer = new Uint8Array(0);
  for (;;) {
    const { value, done } = await reader.read();
    if (done || draft !== run) return;
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    while (buffer.length >= HEADER) {
      const head = new TextDecoder().decode(buffer.subarray(0, HEADER));
      const t = Number(head.slice(0, HEADER / 2));
      const size = Number(head.slice(HEADER / 2));
      if (buffer.length < HEADER + size) break;
      const jpeg = buffer.slice(HEADER, HEADER + size);
      run.queue.push({ t, blob: new Blob([jpeg], { type: "image/jpeg" }) });
      buffer = buffer.slice(HEADER + size);
    }
  }
}

function showDraft(run) {
  // Each picture at its moment on the draft's clock; when the drawing falls
  // behind, the clock waits for it (a picture is never skipped, the playhead never
  // ahead of the picture).
  if (draft !== run) return;
  const now = performance.now();
  if (run.queue.length && !run.clock) run.clock = { at: now, t: run.queue[0].t };
  let due = null;
  while (run.queue.length && (run.queue[0].t - run.clock.t) * 1000 <= now - run.clock.at) {
    due = run.queue.shift();
  }
  if (due) {
    show(due.blob, state.id, due.t, true);
    state.t = due.t;
    drawPlayhead();
  }
  if (!run.queue.length && run.clock) run.clock = null; // waits for the next picture
  if (run.done && !run.queue.length) togglePlay(); // the scene's end
  else requestAnimationFrame(() => showDraft(run));
}

async function clipReady() {
  // The clip replaces the draft, at the draft's moment.
  if (state.playing !== "draft") return;
  const answer = await fetch(`/api/clip?scene=${encodeURIComponent(state.id)}`);
  if (answer.status !== 200 || state.playing !== "draft") return;
  const blob = await answer.blob();
  if (state.playing !== "draft") return;
  stopDraft();
  playClip(blob, state.t);
}

function stopDraft() {
  if (draft) draft.controller.abort();
  draft = null;
}

function playing(how, said) {
  state.playing = how;
  $("play").textContent = how ? "⏸" : "▶";
  status(said);
}

function stopClip() {
  const video = $("clip");
  if (state.playing === true) {
    video.pause();
    state.t = video.currentTime;
  }
  stopDraft(); // the playhead is at its last picture's moment
  playing(false, "");
  video.hidden = true;
}

function togglePlay() {
  if (state.playing) {
    stopClip();
    drawPlayhead();
    askFrame();
  } else {
    play();
  }
}

// ------------------------------------------------------------------ parameters

function drawParams() {
  const s = scene();
  $("scene-title").textContent = s.title;
  $("scene-summary").textContent = s.summary;
  const form = $("params");
  form.replaceChildren();
  for (const p of s.params) {
    const field = document.createElement("div");
    field.className = "field";
    const label = document.createElement("label");
    label.htmlFor = `param-${p.name}`;
    label.textContent = p.name;
    const input = document.createElement("input");
    input.type = "text";
    input.id = `param-${p.name}`;
    input.name = p.name;
    input.value = shown(p.value);
    input.spellcheck = false;
    input.addEventListener("change", () => {
      editing = editing.then(() => edit(p, input));
    });
    const doc = document.createElement("div");
    doc.className = "doc";
    doc.textContent = `${p.type} · default ${shown(p.default)}${p.doc ? " · " + p.doc : ""}`;
    const error = document.createElement("div");
    error.className = "error";
    error.id = `error-${p.name}`;
    error.setAttribute("role", "alert");
    field.append(label, input, doc, error);
    form.append(field);
  }
}

function syncParams() {
  // Values changed elsewhere (the file, another tab) into the form, in place: the
  // field being typed in is left alone.
  for (const p of scene().params) {
    const input = $(`param-${p.name}`);
    if (input && input !== document.activeElement && input.value !== shown(p.value)) {
      input.value = shown(p.value);
      input.removeAttribute("aria-invalid");
      $(`error-${p.name}`).textContent = "";
    }
  }
}

function shown(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parsed(p, text) {
  // Text for text parameters; anything else is read as JSON, and left as text when
  // it does not read, so the server says what is wrong with it.
  if (text.trim() === "" && p.type.includes("None")) return null;
  if (p.type.startsWith("str")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function edit(p, input) {
  const error = $(`error-${p.name}`);
  let answer, body;
  try {
    answer = await fetch("/api/params", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Studio-Token": data.token },
      body: JSON.stringify({
        scene: state.id,
        params: { [p.name]: parsed(p, input.value) },
        version: state.version,
      }),
    });
    body = await answer.json();
  } catch (failure) {
    error.textContent = `the studio does not answer (${failure.message})`;
    return;
  }
  if (answer.ok) {
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    state.version = body.version;
    replaceScene(body.scene);
    askFrame();
  } else if (answer.status === 409) {
    // The file changed since these values were read: show its values again (this
    // field's too), and say why the edit was not made.
    await loadScenes();
    if (scene()) drawParams();
    $(`error-${p.name}`).textContent = body.error;
  } else {
    error.textContent = body.error;
    input.setAttribute("aria-invalid", "true");
  }
}

function replaceScene(fresh) {
  const old = scene();
  if (old && old.key === fresh.key) return;
  state.scenes = state.scenes.map((s) => (s.id === fresh.id ? { ...s, ...fresh } : s));
}

// ------------------------------------------------------------------ events

function keepPlace(before, after) {
  // The same step and offset into it, when the steps' lengths change.
  if (!before || !before.steps || !after.steps) return state.t;
  const n = stepAt(state.t, before.steps);
  const step = after.steps[Math.min(n, after.steps.length - 1)];
  const offset = state.t - before.steps[n].start;
  return Math.min(step.start + offset, step.end);
}

async function refresh() {
  const before = scene();
  await loadScenes();
  const after = scene();
  if (!before || !after) return;
  if (!after.stale) state.t = keepPlace(before, after);
  drawTimeline();
  if (before.key !== after.key) syncParams();
  if (before.key !== after.key || (before.stale && !after.stale) || !before.steps) {
    askFrame();
  }
}

function follow() {
  const events = new EventSource("/api/events");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "changed" || event.type === "manifest") {
      if (event.type === "manifest" && event.scene !== state.id) return;
      refresh();
    } else if (event.type === "lesson-error") {
      showError("lesson-error", event.error);
    } else if (event.type === "run-error" && event.scene === state.id) {
      showError("scene-error", event.error);
    } else if (event.type === "clip" && event.scene === state.id) {
      if (event.error) status(`the clip failed: ${event.error}`);
      else if (event.ready) clipReady();
      else if (state.playing === "draft") {
        status(`playing a draft; the clip renders… ${Math.round(event.progress * 100)} %`);
      }
    }
  };
}

// ------------------------------------------------------------------ the page

function showError(id, text) {
  const box = $(id);
  box.textContent = text || "";
  box.hidden = !text;
}

function status(text) {
  $("status").textContent = text;
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest && event.target.closest("input, textarea")) return;
  if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
    stopClip();
    byStep(event.key === "ArrowLeft" ? -1 : 1);
    event.preventDefault();
  } else if (event.key === " ") {
    togglePlay();
    event.preventDefault();
  }
});

$("clip").addEventListener("ended", () => togglePlay());
$("play").addEventListener("click", togglePlay);
dragOn($("timeline"));

(async () => {
  await loadScenes();
  follow();
  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = state.scenes.find((s) => s.id === wanted) || state.scenes[0];
  if (first) select(first.id);
})();
