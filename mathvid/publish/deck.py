"""The lesson as a PowerPoint deck (python-pptx): ``mathvid export --pptx FILE``.

A title slide, then a section per scene and a slide per step. Each step's slide has:

- the step's name as its title, with the scene's;
- its clip embedded, shown by its poster (the step's finished picture) and played
  on a click, sound included;
- its captions as slide text under the clip. Text rather than burnt into the
  picture, because the teacher can edit it, screen readers read it, search finds
  it, and the clip stays the same file the other formats use;
- what the step says (the narration, or the caption of a silent lesson) as its
  speaker notes.

PowerPoint's sections are not in python-pptx's API; they are the ``p14:sectionLst``
extension of ``presentation.xml``, written here.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from lesson.errors import LessonError
from lesson.file import Lesson
from mathvid.media import check_target, replacing, temporary_folder
from mathvid.publish.export import bundle_data
from mathvid.run.render import Rendered

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9, PowerPoint's default since 2013
CLIP_WIDTH = Inches(9.6)  # room under it for two lines of captions
SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def export_deck(lesson: Lesson, rendered: list[Rendered], out: Path) -> Path:
    """The deck of the ``rendered`` scenes of ``lesson``, written to ``out`` (.pptx)."""
    out = check_target(out).resolve()  # the link itself, before it is resolved
    if out.suffix.lower() != ".pptx":
        raise LessonError(f"{out}: --pptx writes a .pptx file")
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, lesson.title)
    with temporary_folder("mathvid-deck-") as work:
        data = bundle_data(lesson, rendered, work)
        sections = []
        for scene in data["scenes"]:
            ids = [_step_slide(deck, scene, step, work) for step in scene["steps"]]
            sections.append((scene["title"], ids))
        _sections(deck, sections)
        with replacing(out) as tmp:
            deck.save(str(tmp))
    return out


def _title_slide(deck: Any, title: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = title
    slide.placeholders[1].text = "Made with mathvid"


def _step_slide(deck: Any, scene: dict, step: dict, work: Path) -> int:
    """The step's slide; its slide id (for its section)."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    title = slide.shapes.title
    title.text = f"{step['name']} ({scene['title']})"
    title.top, title.left, title.width, title.height = (
        Inches(0.2),
        Inches(0.5),
        WIDTH - Inches(1),
        Inches(0.9),
    )
    title.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
    clip_height = Emu(int(CLIP_WIDTH * 9 / 16))
    left = Emu(int((WIDTH - CLIP_WIDTH) / 2))
    slide.shapes.add_movie(
        str(work / step["clip"]),
        left,
        Inches(1.1),
        CLIP_WIDTH,
        clip_height,
        poster_frame_image=str(work / step["poster"]),
        mime_type="video/mp4",
    )
    captions = slide.shapes.add_textbox(
        left, Inches(1.15) + clip_height, CLIP_WIDTH, Inches(0.6)
    ).text_frame
    captions.word_wrap = True
    # One paragraph (a cue's line breaks are the video's, not the slide's): the
    # font size below is set on the first paragraph only.
    captions.text = " ".join(" ".join(cue["text"].split()) for cue in step["cues"])
    captions.paragraphs[0].runs[0].font.size = Pt(16)
    slide.notes_slide.notes_text_frame.text = step["notes"]
    return slide.slide_id


def _sections(deck: Any, sections: list[tuple[str, list[int]]]) -> None:
    """PowerPoint's sections: the title slide alone, then one per scene."""
    first = deck.slides[0].slide_id
    listing = etree.Element(f"{{{P14}}}sectionLst", nsmap={"p14": P14})
    for name, ids in [("Title", [first]), *sections]:
        section = etree.SubElement(listing, f"{{{P14}}}section")
        section.set("name", name)
        section.set("id", "{" + str(uuid.uuid4()).upper() + "}")
        slides = etree.SubElement(section, f"{{{P14}}}sldIdLst")
        for slide_id in ids:
            etree.SubElement(slides, f"{{{P14}}}sldId").set("id", str(slide_id))
    presentation = deck.part._element
    extensions = presentation.find(f"{{{P}}}extLst")
    if extensions is None:
        extensions = etree.SubElement(presentation, f"{{{P}}}extLst")
    extension = etree.SubElement(extensions, f"{{{P}}}ext")
    extension.set("uri", SECTIONS_URI)
    extension.append(listing)
