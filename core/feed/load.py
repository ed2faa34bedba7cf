"""Reading a feed file into its public scenario and its private key."""
from __future__ import annotations

from pathlib import Path

from .._common import check_competences, load_scenario_file
from .._content import content_root
from ..inbox.ending import next_lesson_id
from .model import FeedKey, FeedPost, FeedScenario, PostKey
from .schema import TOOLS, FeedDef


def feed_paths(root: Path | None = None) -> list[Path]:
    """Every feed file, sorted by name."""
    return sorted(((root or content_root()) / "feeds").glob("*.yaml"))


def load_feed(feed_id: str, *, root: Path | None = None) -> tuple[FeedScenario, FeedKey]:
    """Load feed `feed_id`: its public scenario and its private key."""
    root = root or content_root()
    data, path = load_scenario_file(FeedDef, feed_id, root=root, folder="feeds", what="feed", known="feeds")
    for i, post in enumerate(data.posts):
        check_competences(post.competences, root=root, path=path, field=f"posts.{i}.competences")
    posts = tuple(FeedPost(id=p.id, competences=tuple(p.competences), points=p.points, check_points=p.check_points,
                           author=p.author, when=p.when, text=p.text, media=p.media, shares=p.shares,
                           tools={str(t): text for t, text in p.tools.items()}) for p in data.posts)
    key = FeedKey(scenario_id=data.id, posts={
        p.id: PostKey(correct=tuple(p.key.correct), needed=tuple(t for t in TOOLS if t in p.key.needed),
                      label=p.key.label, decisions={str(d): text for d, text in p.key.decisions.items()},
                      explain=p.key.explain)
        for p in data.posts})
    after = next_lesson_id(data.id, data.next, root=root, path=path)
    return FeedScenario(id=data.id, title=data.title, intro=data.intro, posts=posts, next=after), key
