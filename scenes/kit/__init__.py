"""The scene kit: what every scene draws with, so that a scene reads as its steps.

- :mod:`~scenes.kit.look`: the palette of the render (of the :mod:`~lesson.themes`
  theme a scene is handed), type sizes, the height ramp;
- :mod:`~scenes.kit.numbers`: numbers as the viewer reads them, live readouts;
- :mod:`~scenes.kit.text`: a line of text or formula (``text.tex``, the one way a scene
  sets TeX), a table of numbers (``text.table``), the column beside a plot;
- :mod:`~scenes.kit.plots`: axes, frames and ticks, contour maps, arrows, minima;
- :mod:`~scenes.kit.paths`: runs drawn step by step or sampled, moving dots;
- :mod:`~scenes.kit.surfaces` and :mod:`~scenes.kit.mesh`: 3-D surfaces and axes;
- :mod:`~scenes.kit.graphs`: computation graphs with values and gradients;
- :mod:`~lesson.words.speech`: captions as a narrator says them, cut into cues
  (:mod:`~lesson.words.number_words`: numbers in words; :mod:`~lesson.words.spoken`:
  formulas said from their expression tree).

The kit draws; every number it draws comes from ``mathcore``.
"""
