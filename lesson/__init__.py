"""What a lesson is and says, without drawing: its file and parameters, its words,
its themes. Imports neither Manim nor the tool (``mathvid``)."""
