"""Prerequisite graphs: validation (unknown names, cycles) and orderings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from teachkit._validation import did_you_mean
from teachkit.errors import ValidationError


def check_shape(prerequisites: Any, *, kind: str, subject: str) -> None:
    """A mapping of names to a name or a list of names; pairs get an example of the fix."""
    if not isinstance(prerequisites, Mapping):
        example = ""
        pairs = isinstance(prerequisites, Sequence) and not isinstance(prerequisites, str)
        if (
            pairs
            and prerequisites
            and all(isinstance(p, tuple | list) and len(p) == 2 for p in prerequisites)
        ):
            a, b = prerequisites[0]
            example = f"; for pairs, write {{{b!r}: [{a!r}]}} if {a!r} comes before {b!r}"
        raise ValidationError(
            subject,
            [
                f"prerequisites: expected a mapping {{{kind}: [{kind}, ...]}} (each "
                f"{kind} to the {kind}s that come before it), got "
                f"{type(prerequisites).__name__}{example}"
            ],
        )
    bad = [
        k
        for k, v in prerequisites.items()
        if not isinstance(k, str)
        or not (
            isinstance(v, str)
            or (isinstance(v, Sequence | set | frozenset) and all(isinstance(d, str) for d in v))
        )
    ]
    if bad:
        raise ValidationError(
            subject,
            [
                f"prerequisites: expected {kind} names mapped to a name or a list of names, "
                f"got {', '.join(f'{k!r}: {prerequisites[k]!r}' for k in bad[:3])}"
            ],
        )


def normalize_prerequisites(
    prerequisites: Mapping[str, Sequence[str]] | None,
    nodes: Sequence[str],
    *,
    kind: str,
    subject: str,
) -> dict[str, tuple[str, ...]]:
    """Check a ``{node: [prerequisite, ...]}`` mapping over ``nodes``; return it as tuples.

    Raises a ValidationError listing every unknown name (with suggestions), every
    self-loop and one cycle, named node by node.
    """
    if prerequisites is None:
        return {}
    check_shape(prerequisites, kind=kind, subject=subject)
    known = set(nodes)
    problems: list[str] = []
    graph: dict[str, tuple[str, ...]] = {}
    for node, before in prerequisites.items():
        if node not in known:
            problems.append(f"prerequisites: unknown {kind} {node!r}{did_you_mean(node, nodes)}")
            continue
        if isinstance(before, str):
            before = [before]
        deps: list[str] = []
        for dep in before:
            if dep not in known:
                problems.append(
                    f"prerequisites of {node!r}: unknown {kind} {dep!r}{did_you_mean(dep, nodes)}"
                )
            elif dep == node:
                problems.append(f"prerequisites of {node!r}: a {kind} cannot require itself")
            elif dep not in deps:
                deps.append(dep)
        if deps:
            graph[node] = tuple(deps)
    if not problems:
        cycle = find_cycle(graph)
        if cycle:
            problems.append(
                "prerequisites contain a cycle: "
                + " -> ".join(repr(n) for n in cycle)
                + "; remove one of these edges"
            )
    if problems:
        raise ValidationError(subject, problems)
    return graph


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """Return one cycle as ``[a, b, ..., a]`` (each requires the next), or None."""
    white, grey, black = 0, 1, 2
    color: dict[str, int] = {}
    for start in graph:
        if color.get(start, white) != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        color[start] = grey
        while stack:
            node, i = stack[-1]
            deps = graph.get(node, ())
            if i < len(deps):
                stack[-1] = (node, i + 1)
                dep = deps[i]
                state = color.get(dep, white)
                if state == grey:
                    return [*path[path.index(dep) :], dep]
                if state == white:
                    color[dep] = grey
                    stack.append((dep, 0))
                    path.append(dep)
            else:
                color[node] = black
                stack.pop()
                path.pop()
    return None


def topological_order(nodes: Sequence[str], graph: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Prerequisites first; ties keep the order of ``nodes`` (a stable Kahn sort)."""
    position = {n: i for i, n in enumerate(nodes)}
    remaining = {n: len(graph.get(n, ())) for n in nodes}
    dependents: dict[str, list[str]] = {n: [] for n in nodes}
    for node, deps in graph.items():
        for dep in deps:
            dependents[dep].append(node)
    import heapq

    ready = [(position[n], n) for n in nodes if remaining[n] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        order.append(node)
        for nxt in dependents[node]:
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                heapq.heappush(ready, (position[nxt], nxt))
    return tuple(order)


def ancestors(graph: Mapping[str, Sequence[str]], node: str) -> set[str]:
    """Every direct or indirect prerequisite of ``node``."""
    seen: set[str] = set()
    todo = list(graph.get(node, ()))
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(graph.get(n, ()))
    return seen
