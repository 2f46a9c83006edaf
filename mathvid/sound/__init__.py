"""Sound: the narrator (what each step says, in whose voice) and the audio it
becomes (decoded, measured, normalised, muxed)."""
