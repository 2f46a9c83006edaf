"""Running Manim: its set-up, renders of scenes, stills and previews, frames into
video."""
