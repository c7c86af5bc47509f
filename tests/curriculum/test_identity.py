"""Assignments carry their curriculum's token; records written before tokens still work."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import teachkit as tk
from teachkit.errors import ValidationError


def test_an_answer_stored_before_tokens_gets_the_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cur = tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(["a", "b"]), seed=0), url)
    first = cur.ask("alice", request_id="r1")
    cur.close()
    conn = sqlite3.connect(tmp_path / "old.db")
    (response,) = conn.execute("SELECT response FROM teachkit_requests").fetchone()
    old = json.loads(response)
    del old["curriculum_uid"]  # as teachkit wrote it before assignments had tokens
    conn.execute("UPDATE teachkit_requests SET response = ?", (json.dumps(old),))
    conn.commit()
    conn.close()
    again = tk.Curriculum.load(url)
    repeat = again.ask("alice", request_id="r1")
    assert (repeat.id, repeat.curriculum_uid) == (first.id, again.uid)
    assert again.tell(repeat, tk.Outcome(score=1.0)) is not None


def test_a_hand_made_assignment_is_checked_by_name() -> None:
    cur = tk.Curriculum(tk.teachers.Uniform(tk.spaces.Discrete(["a"]), seed=0), name="mine")
    a = cur.ask("alice")
    other = tk.Assignment(a.id, "alice", "a", a.created, curriculum="theirs")
    with pytest.raises(ValidationError, match="belongs to curriculum 'theirs'"):
        cur.tell(other, tk.Outcome(score=1.0))
    bare = tk.Assignment(a.id, "alice", "a", a.created)  # no name, no token: the log decides
    assert cur.tell(bare, tk.Outcome(score=1.0)) is not None
    assert cur.ops == 2


def test_tokens_are_unique_and_survive_reloading() -> None:
    storage = tk.storages.InMemoryStorage()
    space = tk.spaces.Discrete(["a"])
    uids = {tk.Curriculum(tk.teachers.Uniform(space), storage, f"c{i}").uid for i in range(50)}
    assert len(uids) == 50
    assert tk.Curriculum.load(storage, "c7").uid in uids
