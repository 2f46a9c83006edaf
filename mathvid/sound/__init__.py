"""Sound: the narrator (:mod:`~mathvid.sound.voice`: what each step says, in whose
voice) and the audio it becomes: :mod:`~mathvid.sound.audio` (one convention, decoded
and written), :mod:`~mathvid.sound.voice_activity` (where the speech is),
:mod:`~mathvid.sound.loudness` (measured and normalised), :mod:`~mathvid.sound.muxing`
(into the videos)."""
