// The player's report to a learning platform (SCORM 1.2), in a SCORM package's
// index.html only (mathvid/publish/scorm.py; player.html includes it). Without the
// platform's API (a page opened alone) it does nothing and the player is as ever.
//   cmi.core.lesson_location  the last step seen, "<scene id>/<step number>": the
//                             next visit starts there
//   cmi.suspend_data          which steps were played to their end: "1" or "0" each
//   cmi.core.lesson_status    "incomplete" until every step was played, then "completed"
//   cmi.core.session_time     the time since the page opened, on leaving (LMSFinish)
"use strict";

// The API as SCORM 1.2 says a SCO finds it: window.API here or in a parent frame,
// else in the window that opened this one (and its parents); a few levels at most.
// A frame of another origin cannot be read: it has no API for us.
function findScormApi() {
  const within = start => {
    for (let win = start, level = 0; win && level < 8; win = win.parent, level++) {
      try { if (win.API) return win.API; } catch (error) { return null; }
      if (win.parent === win) break;
    }
    return null;
  };
  let opener = null;
  try { opener = window.opener; } catch (error) { opener = null; }
  return within(window) || (opener ? within(opener) : null);
}

// The platform the player tells (player.html: platform.seen, .played, .start), or
// null when there is none.
window.mathvidPlatform = steps => {
  const api = findScormApi();
  if (!api || String(api.LMSInitialize("")) !== "true") return null;
  const opened = Date.now();
  const ids = steps.map(step => `${step.scene.id}/${step.k + 1}`);
  const read = name => String(api.LMSGetValue(name) || "");
  const stored = read("cmi.suspend_data");
  const played = stored.length === steps.length && /^[01]*$/.test(stored)
    ? [...stored].map(bit => bit === "1") : steps.map(() => false);
  let status = read("cmi.core.lesson_status");
  const set = (name, value) => api.LMSSetValue(name, value);
  const report = () => {
    set("cmi.suspend_data", played.map(seen => (seen ? "1" : "0")).join(""));
    if (status !== "completed" && status !== "passed") {
      status = played.every(Boolean) ? "completed" : "incomplete";
      set("cmi.core.lesson_status", status);
    }
    api.LMSCommit("");
  };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    set("cmi.core.session_time", timespan((Date.now() - opened) / 1000));
    set("cmi.core.exit", status === "completed" ? "" : "suspend");  // resumable
    api.LMSCommit("");
    api.LMSFinish("");
  };
  // pagehide: whenever unload would fire, and also when the page is kept for "back".
  window.addEventListener("pagehide", finish);
  const start = Math.max(ids.indexOf(read("cmi.core.lesson_location")), 0);
  report();
  return {
    start,
    seen(i) { set("cmi.core.lesson_location", ids[i]); api.LMSCommit(""); },
    played(i) { if (!played[i]) { played[i] = true; report(); } },
  };
};

// Seconds as SCORM 1.2's CMITimespan: HHHH:MM:SS.SS.
function timespan(seconds) {
  const hours = Math.min(Math.floor(seconds / 3600), 9999);
  const minutes = Math.floor(seconds / 60) % 60;
  const rest = Math.floor((seconds % 60) * 100) / 100;
  const two = n => String(n).padStart(2, "0");
  return `${String(hours).padStart(4, "0")}:${two(minutes)}:${rest.toFixed(2).padStart(5, "0")}`;
}
