"""Courses: a tenant's named curricula, with the content of their items.

A course named ``maths`` of tenant ``acme`` is the curriculum ``acme/maths`` in the
storage; the ``teachkit_courses`` table maps the one to the other and keeps the course's
definition (items with their content, prerequisites, teacher), which ``PATCH .../items``
extends as the item bank grows.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from teachkit._teacher import BaseTeacher
from teachkit._validation import did_you_mean
from teachkit.curriculum import Curriculum
from teachkit.curriculum._diff import config_differences
from teachkit.errors import CurriculumExistsError, CurriculumNotFoundError, ValidationError
from teachkit.registry import teacher_class
from teachkit.server._keys import Principal
from teachkit.server._models import CourseIn, Item, ItemsPatch
from teachkit.spaces import Discrete
from teachkit.storages._sql import SQLStorage
from teachkit.storages._sql._schema import courses


def build_teacher(body: CourseIn) -> BaseTeacher:
    """The space and teacher a course definition describes (the library validates them)."""
    space = _space(body.items, body.prerequisites)
    cls = teacher_class(body.teacher.name)
    if not isinstance(space, cls.spaces):
        raise ValidationError("teacher", [f"{body.teacher.name!r} does not teach Discrete items"])
    params = dict(body.teacher.params)
    known = [p for p in cls._param_names() if p != "space"]
    unknown = [k for k in params if k not in known]
    if unknown:
        raise ValidationError(
            f"teacher {body.teacher.name!r}",
            [f"unknown parameter {k!r}{did_you_mean(k, known)}; known: {known}" for k in unknown],
        )
    try:
        teacher = cls(space, **params)
    except TypeError as exc:  # a value of the wrong kind that the constructor did not check
        raise ValidationError(f"teacher {body.teacher.name!r}", [str(exc)]) from None
    assert isinstance(teacher, BaseTeacher)
    return teacher


def _space(items: list[Item], prerequisites: dict[str, list[str]]) -> Discrete:
    tagged = any(item.skills for item in items)
    skills = {item.id: list(item.skills) for item in items} if tagged else None
    return Discrete([item.id for item in items], skills=skills, prerequisites=prerequisites or None)


def definition_of(body: CourseIn) -> dict[str, Any]:
    """The stored definition: the body as plain JSON."""
    return body.model_dump(mode="json")


@dataclass
class Course:
    """A course open in this process: its row and its curriculum handle."""

    id: int
    tenant: str
    name: str
    curriculum: Curriculum
    definition: dict[str, Any]
    content: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index_content()

    def _index_content(self) -> None:
        self.content = {item["id"]: item.get("content") for item in self.definition["items"]}

    def api_id(self, assignment_id: int) -> str:
        """An assignment's id in the API: the course's id, a dash, the assignment's."""
        return f"{self.id}-{assignment_id}"


class CourseStore:
    """Courses of every tenant, and their curricula open in this process."""

    def __init__(self, storage: SQLStorage, *, snapshot_every: int = 1000) -> None:
        self.storage = storage
        self._engine: Engine = storage.engine
        self._open: dict[int, Course] = {}
        self._ids: dict[tuple[str, str], int] = {}  # (tenant, name) -> id; courses stay
        self._lock = threading.Lock()
        self._snapshot_every = snapshot_every

    # -- finding ---------------------------------------------------------------------------
    def get(self, principal: Principal, name: str) -> Course:
        """The tenant's course ``name``; CurriculumNotFoundError (404) otherwise."""
        known = self._ids.get((principal.tenant, name))
        if known is not None and known in self._open:
            return self._open[known]
        with self._engine.connect() as conn:
            row = conn.execute(
                select(courses).where(courses.c.tenant == principal.tenant, courses.c.name == name)
            ).first()
        if row is None:
            raise CurriculumNotFoundError(
                f"no course named {name!r} for this key's tenant"
                f"{did_you_mean(name, self.names(principal))}; list them with GET /v1/courses"
            )
        return self._opened(row)

    def by_id(self, principal: Principal, course_id: int) -> Course | None:
        """The course with this id if it is the tenant's (else None: never another's)."""
        course = self._open.get(course_id)
        if course is None:
            with self._engine.connect() as conn:
                row = conn.execute(select(courses).where(courses.c.id == course_id)).first()
            if row is None:
                return None
            course = self._opened(row)
        return course if course.tenant == principal.tenant else None

    def names(self, principal: Principal) -> list[str]:
        """The tenant's course names, in creation order."""
        with self._engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    select(courses.c.name)
                    .where(courses.c.tenant == principal.tenant)
                    .order_by(courses.c.id)
                )
            ]

    def _opened(self, row: Any) -> Course:
        with self._lock:
            course = self._open.get(int(row.id))
            if course is None:
                cur = Curriculum.load(self.storage, row.curriculum)
                course = Course(int(row.id), row.tenant, row.name, cur, json.loads(row.definition))
                self._open[course.id] = course
            return course

    def reload_definition(self, course: Course) -> None:
        """Read the definition again (another process may have added items)."""
        with self._engine.connect() as conn:
            text = conn.execute(
                select(courses.c.definition).where(courses.c.id == course.id)
            ).scalar_one()
        course.definition = json.loads(text)
        course._index_content()

    def content_of(self, course: Course, task: str) -> Any:
        """The content of an item (reading the definition again for a new item)."""
        if task not in course.content:
            self.reload_definition(course)
        return course.content.get(task)

    # -- creating and changing ---------------------------------------------------------------
    def create(self, principal: Principal, body: CourseIn) -> tuple[Course, bool]:
        """Create a course, or find the identical one; returns ``(course, created)``.

        A course of that name with another definition is a CurriculumExistsError (409)
        naming what differs.
        """
        definition = definition_of(body)
        existing = self._find(principal.tenant, body.name)
        if existing is not None:
            return self._same(existing, definition), False
        teacher = build_teacher(body)
        lease = None if body.lease_seconds is None else timedelta(seconds=body.lease_seconds)
        name = f"{principal.tenant}/{body.name}"
        # A curriculum left by a crash between these two writes is picked up on a retry.
        cur = Curriculum(
            teacher,
            self.storage,
            name,
            lease=lease,
            snapshot_every=self._snapshot_every,
            load_if_exists=True,
        )
        try:
            with self._engine.begin() as conn:
                course_id = conn.execute(
                    insert(courses).values(
                        tenant=principal.tenant,
                        name=body.name,
                        curriculum=name,
                        definition=json.dumps(definition),
                        created=time.time(),
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:  # created by another process meanwhile
            found = self._find(principal.tenant, body.name)
            assert found is not None
            return self._same(found, definition), False
        course = Course(int(course_id), principal.tenant, body.name, cur, definition)
        with self._lock:
            self._open.setdefault(course.id, course)
            self._ids[(course.tenant, course.name)] = course.id
            return self._open[course.id], True

    def _find(self, tenant: str, name: str) -> Course | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(courses).where(courses.c.tenant == tenant, courses.c.name == name)
            ).first()
        return None if row is None else self._opened(row)

    def _same(self, course: Course, definition: dict[str, Any]) -> Course:
        self.reload_definition(course)
        if course.definition != definition:
            differences = config_differences(course.definition, definition, "course")
            raise CurriculumExistsError(
                f"course {course.name!r} exists with another definition ("
                + "; ".join(differences[:10])
                + "); change its items with PATCH /v1/courses/{course}/items, or choose "
                "another name"
            )
        return course

    def patch_items(self, course: Course, patch: ItemsPatch) -> Course:
        """Add, retire and restore items (each change one op of the course's log)."""
        cur = course.curriculum
        cur.refresh()
        self.reload_definition(course)
        definition = json.loads(json.dumps(course.definition))
        known = {item["id"]: item for item in definition["items"]}
        new = [item for item in patch.add if item.id not in known]
        clash = [
            item.id
            for item in patch.add
            if item.id in known and item.model_dump(mode="json") != known[item.id]
        ]
        if clash:
            raise ValidationError(
                "add",
                [
                    f"items already in the course with other skills or content: {clash[:5]}; "
                    "an item's id names it for good (add a new id, retire the old one)"
                ],
            )
        if new or patch.prerequisites:
            space = cur.space
            assert isinstance(space, Discrete)
            skills = {i.id: list(i.skills) for i in new} if space.tagged else None
            if new:
                # the content first: an item in the space always has its content stored
                definition["items"] += [i.model_dump(mode="json") for i in new]
                self._store(course, definition)
            cur.add_tasks([i.id for i in new], skills=skills, prerequisites=patch.prerequisites)
            merged = dict(definition.get("prerequisites") or {})
            for node, deps in patch.prerequisites.items():
                merged[node] = list(dict.fromkeys([*merged.get(node, []), *deps]))
            definition["prerequisites"] = merged
        if patch.retire:
            cur.retire_tasks(patch.retire)
        if patch.restore:
            cur.restore_tasks(patch.restore)
        definition["retired"] = list(getattr(cur.space, "retired", ()))
        self._store(course, definition)
        return course

    def _store(self, course: Course, definition: dict[str, Any]) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(courses)
                .where(courses.c.id == course.id)
                .values(definition=json.dumps(definition))
            )
        course.definition = definition
        course._index_content()

    def close(self) -> None:
        """Close the storage."""
        self.storage.close()
