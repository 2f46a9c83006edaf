"""What a render becomes for viewers: the lesson video and its captions, lecture
pages, decks, clips, transcripts, descriptions, the narration script."""
