"""mathvid: animated explainer videos of calculus for deep learning."""


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext mathvid`` in a notebook: the ``%%mathvid`` cell magic
    (:mod:`mathvid.notebook`)."""
    from mathvid.notebook import load_ipython_extension

    load_ipython_extension(ipython)
