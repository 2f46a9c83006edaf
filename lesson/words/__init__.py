"""What is said: numbers and formulas in words, captions cut into cues, text for
the ear and for the eye."""
