"""``mathvid studio``: author a lesson in the browser.

- :mod:`mathvid.studio.server`: the web server, its API and what it refuses;
- :mod:`mathvid.studio.state`: what the server knows of the lesson, and how it asks the
  worker;
- :mod:`mathvid.studio.errors`: what it refuses, in one line;
- :mod:`mathvid.studio.clips`: each scene's clip to play, rendered in the background;
- :mod:`mathvid.studio.drafts`: Space before the clip is rendered: the scene played
  from the playhead as the warm worker draws it;
- :mod:`mathvid.studio.worker`: the warm worker that runs the scenes and draws frames;
- :mod:`mathvid.studio.edits`: parameter edits written into the lesson file;
- ``page.html`` and ``static/``: the page.
"""
