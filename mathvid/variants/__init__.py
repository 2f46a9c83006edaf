"""Per-student variants of a lesson (issue 27): a pool of checked variants drawn
from the lesson file's ``[variants]`` table (:mod:`lesson.variants`), written to and
read from ``variants/pool.toml`` (:mod:`mathvid.variants.pool_file`), built by
``mathvid variants`` (:mod:`mathvid.variants.pool`), then rendered and handed out.
"""
