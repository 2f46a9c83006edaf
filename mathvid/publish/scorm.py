"""The lecture bundle as a SCORM 1.2 package: ``mathvid export --scorm lesson.zip``,
one zip a teacher uploads to a learning platform (Moodle, Canvas, Blackboard).

::

    imsmanifest.xml          what the platform reads: the lesson, its one SCO, its files
    index.html               the player (publish/export.py), reporting to the platform
    presenter.html, clips/, posters/, explore/   the bundle, as ``mathvid export`` writes it
    transcript.html, transcript.txt              the lesson as text (publish/transcript.py)

**One SCO for the whole lesson**, not one item per chapter. The player already is
the lesson's navigation (its chapter list, the keys), and one SCO means one
completion, one place to resume and one time spent, which is what a teacher reads
in Moodle's or Canvas's report. A package of one item per chapter would have the
platform launch the player once per scene, each launch tracked apart, and Canvas
(which grades a package as one assignment) and Moodle (which shows its own table
of contents beside a multi-SCO package) would each show it differently.

What the player reports (its SCORM script, ``scorm.js``, is in the package's
``index.html`` only; a plain export's player has none): ``cmi.core.lesson_location``
the last step seen (``<scene id>/<step number>``, where the next visit resumes),
``cmi.suspend_data`` which steps were played to their end, ``cmi.core.lesson_status``
``incomplete`` until every step was played, then ``completed``, and
``cmi.core.session_time`` on leaving.

The manifest names no ``xsi:schemaLocation`` and the package carries no XSD: the
platforms read the manifest without them, and the tests validate it against the
SCORM 1.2 schemas (ADL's ``imscp_rootv1p1p2.xsd``, ``adlcp_rootv1p2.xsd``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from lesson.errors import LessonError
from lesson.file import Lesson
from lesson.words.said import slug
from mathvid.media import check_target, replacing, temporary_folder
from mathvid.publish.export import MARKER, export
from mathvid.publish.transcript import transcript_html, transcript_text
from mathvid.run.render import Rendered

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
LAUNCH = "index.html"
STORED = {".mp4", ".webm", ".gif", ".png"}
"""Files already compressed: zipped as they are (deflating them gains nothing)."""


def check_package(out: Path) -> Path:
    """``out`` if a SCORM package may be written there (a .zip, not a link)."""
    out = check_target(out).resolve()  # the link itself, before it is resolved
    if out.suffix.lower() != ".zip":
        raise LessonError(f"{out}: --scorm writes a .zip file")
    return out


def export_scorm(
    lesson: Lesson, rendered: list[Rendered], out: Path, formats: tuple[str, ...] = ()
) -> Path:
    """The SCORM 1.2 package of the ``rendered`` scenes of ``lesson`` at ``out``
    (a .zip); each clip also as each of ``formats``."""
    out = check_package(out)
    with temporary_folder("mathvid-scorm-") as work:
        folder = export(lesson, rendered, work / "package", formats, scorm=True).parent
        (folder / MARKER).unlink()  # the bundle's mark, for a folder only
        chapters = [(r.id, lesson.entry(r.id).title, r.manifest()) for r in rendered]
        words = {e.id: dict(e.narration) for e in lesson.scenes}
        for name, write in (("html", transcript_html), ("txt", transcript_text)):
            text = write(lesson.title, chapters, words)
            (folder / f"transcript.{name}").write_text(text, encoding="utf-8")
        files = sorted(
            (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()),
            key=lambda name: (name != LAUNCH, name),
        )
        (folder / "imsmanifest.xml").write_bytes(manifest(lesson.title, files))
        with replacing(out) as tmp, zipfile.ZipFile(tmp, "w") as package:
            for name in ["imsmanifest.xml", *files]:
                stored = Path(name).suffix.lower() in STORED
                kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                package.write(folder / name, name, compress_type=kind)
    return out


def manifest(title: str, files: list[str]) -> bytes:
    """``imsmanifest.xml`` of a package of one SCO (:data:`LAUNCH`) made of
    ``files`` (paths relative to the package, ``/`` between folders).

    Its identifiers come from the title, so a package exported again replaces
    the old one on a platform that matches them and keeps the learners' records.

    >>> xml = manifest("Calculus <1>", ["index.html", "clips/a b.mp4"]).decode()
    >>> 'identifier="mathvid-calculus-1"' in xml, "Calculus &lt;1&gt;" in xml
    (True, True)
    >>> '<file href="clips/a%20b.mp4"/>' in xml
    True
    """
    name = f"mathvid-{slug(title) or 'lesson'}"
    imscp, adlcp = f"{{{IMSCP}}}", f"{{{ADLCP}}}"
    root = etree.Element(
        imscp + "manifest",
        {"identifier": name, "version": "1.0"},
        nsmap={None: IMSCP, "adlcp": ADLCP},
    )
    metadata = etree.SubElement(root, imscp + "metadata")
    etree.SubElement(metadata, imscp + "schema").text = "ADL SCORM"
    etree.SubElement(metadata, imscp + "schemaversion").text = "1.2"
    organizations = etree.SubElement(root, imscp + "organizations", default="lesson")
    organization = etree.SubElement(organizations, imscp + "organization")
    organization.set("identifier", "lesson")
    etree.SubElement(organization, imscp + "title").text = title
    item = etree.SubElement(organization, imscp + "item", identifierref="player")
    item.set("identifier", "lesson-item")
    item.set("isvisible", "true")
    etree.SubElement(item, imscp + "title").text = title
    resources = etree.SubElement(root, imscp + "resources")
    resource = etree.SubElement(resources, imscp + "resource")
    for key, value in (("identifier", "player"), ("type", "webcontent")):
        resource.set(key, value)
    resource.set(adlcp + "scormtype", "sco")
    resource.set("href", LAUNCH)
    for file in files:
        etree.SubElement(resource, imscp + "file", href=_href(file))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _href(path: str) -> str:
    """A relative path as a URL path (a platform resolves ``href`` as a URL).

    >>> _href("clips/tangent/01-the-curve.mp4"), _href("a #1.png")
    ('clips/tangent/01-the-curve.mp4', 'a%20%231.png')
    """
    return quote(path, safe="/")
