"""Generated spaces: records, round trips, rebuilds, replay and the errors for bad output."""

from __future__ import annotations

import json

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.spaces import Generated, GeneratedTask, Space, TaskGenerator
from teachkit.testing.generators import Corridors


class NaNMaker(TaskGenerator):
    def sample(self, rng: np.random.Generator) -> dict:
        return {"x": float("nan")}


class ObjectMaker(TaskGenerator):
    def sample(self, rng: np.random.Generator) -> dict:
        return {"x": object()}


class Picky(TaskGenerator):
    def sample(self, rng: np.random.Generator) -> dict:
        return {"x": -1}

    def contains(self, params: object) -> bool:
        return isinstance(params, dict) and params.get("x", -1) >= 0


class Ragged(Corridors):
    def encode(self, params: dict) -> np.ndarray:
        return np.zeros(params["length"])


@pytest.fixture
def space() -> Generated:
    return Generated(Corridors(longest=8))


def test_a_task_is_its_record(space: Generated) -> None:
    task = space.generate(3)
    assert isinstance(task, GeneratedTask) and isinstance(task, str)
    record = json.loads(task)
    assert set(record) == {"id", "origin", "params", "parent", "seed"}
    assert (task.origin, task.parent, task.seed) == ("sample", None, 3)
    assert task.params == Corridors(longest=8).sample(np.random.default_rng(3))
    assert space.generate(3) == task  # same seed, same task


def test_mutations_record_parent_and_seed_and_rebuild(space: Generated) -> None:
    parent = space.generate(1)
    child = space.mutate(parent, 5)
    grandchild = space.mutate(child, 6)
    assert (child.origin, child.parent, child.seed) == ("mutate", parent.id, 5)
    assert space.rebuild(parent) == parent
    assert space.rebuild(child, parent=parent) == child
    assert space.lineage(grandchild, [parent, child]) == [grandchild, child, parent]
    with pytest.raises(ValidationError, match="pass parent="):
        space.rebuild(child)
    with pytest.raises(ValidationError, match="is a mutation of"):
        space.rebuild(child, parent=grandchild)


def test_rebuild_notices_a_changed_generator(space: Generated) -> None:
    task = space.generate(2)
    other = Generated(Corridors(longest=8, density=0.9))
    with pytest.raises(ValidationError, match="did its code or options change"):
        other.rebuild(task)


def test_text_and_dict_round_trips(space: Generated) -> None:
    tasks = [space.generate(s) for s in range(4)]
    encoded = space.encode(tasks)
    assert encoded.dtype == object and list(space.from_text(space.to_text(encoded))) == tasks
    assert Space.from_dict(space.to_dict()) == space
    assert Space.from_json(space.to_json()).to_dict() == {
        "type": "generated",
        "generator": "teachkit.testing.generators:Corridors",
        "options": {"longest": 8, "density": 0.25},
    }
    given = space.task({"length": 3, "holes": [1]})
    assert given.origin == "given" and space.rebuild(given) == given


def test_stored_generators_load_only_from_allowed_modules(space: Generated) -> None:
    with pytest.raises(ValidationError, match="not a registered teachkit class"):
        Space.from_dict(space.to_dict(), allow=["mypkg"])
    assert Space.from_dict(space.to_dict(), allow=["teachkit.testing"]) == space


def test_records_from_the_log_are_checked(space: Generated) -> None:
    task = space.generate(0)
    record = json.loads(task)
    record["params"]["length"] = 7 if record["params"]["length"] != 7 else 6
    tampered = json.dumps(record, sort_keys=True, separators=(",", ":"))
    with pytest.raises(ValidationError, match="does not match its params"):
        space.from_text([tampered])
    with pytest.raises(ValidationError, match="canonical JSON"):
        space.from_text([json.dumps(json.loads(task))])
    with pytest.raises(ValidationError, match="expected a generated task's JSON record"):
        space.from_text(["add"])
    assert not space.contains(42)


@pytest.mark.parametrize(
    ("generator", "message"),
    [
        (NaNMaker(), r"NaNMaker.sample: params\['x'\] is nan; expected JSON data"),
        (ObjectMaker(), r"params\['x'\] is a builtins.object; expected JSON data"),
        (Picky(), "made params that the generator's own contains\\(\\) rejects"),
    ],
)
def test_bad_generator_output_is_a_clear_error(generator: TaskGenerator, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Generated(generator).generate(0)


def test_generators_must_be_importable_and_support_what_is_asked() -> None:
    class Local(Corridors):
        pass

    with pytest.raises(ValidationError, match="defined inside a function"):
        Generated(Local())
    with pytest.raises(ValidationError, match="expected an instance of a teachkit"):
        Generated("teachkit.testing.generators:Corridors")  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError, match="has no mutate"):
        Generated(NaNMaker()).generator.mutate({}, np.random.default_rng(0))
    ragged = Generated(Ragged(longest=8))
    tasks = [ragged.task({"length": 3, "holes": []}), ragged.task({"length": 4, "holes": []})]
    with pytest.raises(ValidationError, match=r"expected vectors of one length \(3\), got 4"):
        ragged.vectors(tasks)


def test_vectors_and_decoding(space: Generated) -> None:
    task = space.task({"length": 5, "holes": [2, 4]})
    v = space.vectors([task])
    assert v.shape == (1, 8)
    back = space.from_vector(v[0], seed=0)
    assert back.params == task.params and back.origin == "decode"


def test_a_curriculum_on_generated_tasks_replays_exactly(space: Generated, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'gen.db'}"
    cur = tk.Curriculum(
        tk.teachers.ACCEL(space, buffer_size=4, min_fill=0.5, seed=1), url, snapshot_every=5
    )
    rng = np.random.default_rng(0)
    for _ in range(12):
        batch = cur.ask_many("agent", 2)
        cur.tell_many(
            batch, tk.OutcomeBatch(reward=rng.random(2), advantages=rng.normal(size=(2, 3)))
        )
    events = cur.events()
    assert all(isinstance(e.task, GeneratedTask) for e in events)
    expected = cur.teacher.clone()
    expected.load_state_bytes(cur.teacher.state_bytes())
    with pytest.raises(ValidationError, match="not allowed"):  # it names code of its own
        tk.Curriculum.load(url)
    loaded = tk.Curriculum.load(url, allow=["teachkit.testing"])
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes()
    assert loaded.ask_many("agent", 3).tasks == list(expected.ask_encoded("agent", 3))
