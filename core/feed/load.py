"""Reading a feed file into its public scenario and its private key."""
from __future__ import annotations

import re
from pathlib import Path

from .._common import SLUG, check_competences
from .._content import content_root, load_file
from .._errors import ContentError
from .model import FeedKey, FeedPost, FeedScenario, PostKey
from .schema import TOOLS, FeedDef


def feed_paths(root: Path | None = None) -> list[Path]:
    """Every feed file, sorted by name."""
    return sorted(((root or content_root()) / "feeds").glob("*.yaml"))


def load_feed(feed_id: str, *, root: Path | None = None) -> tuple[FeedScenario, FeedKey]:
    """Load feed `feed_id`: its public scenario and its private key."""
    root = root or content_root()
    path = root / "feeds" / f"{feed_id}.yaml"
    if not re.match(SLUG, feed_id) or not path.is_file():
        known = ", ".join(p.stem for p in feed_paths(root)) or "none"
        raise ContentError(f"no feed {feed_id!r}; known feeds: {known}", path=path)
    data = load_file(FeedDef, path)
    if data.id != feed_id:
        raise ContentError(f"id {data.id!r} must equal the file name {feed_id!r}", path=path, field="id")
    for i, post in enumerate(data.posts):
        check_competences(post.competences, root=root, path=path, field=f"posts.{i}.competences")
    posts = tuple(FeedPost(id=p.id, competences=tuple(p.competences), points=p.points, check_points=p.check_points,
                           author=p.author, when=p.when, text=p.text, media=p.media, shares=p.shares,
                           tools=dict(p.tools)) for p in data.posts)
    key = FeedKey(scenario_id=data.id, posts={
        p.id: PostKey(correct=tuple(p.key.correct), needed=tuple(t for t in TOOLS if t in p.key.needed),
                      label=p.key.label, decisions=dict(p.key.decisions), explain=p.key.explain)
        for p in data.posts})
    return FeedScenario(id=data.id, title=data.title, intro=data.intro, posts=posts), key
