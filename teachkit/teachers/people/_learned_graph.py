"""A space's prerequisites from a learner model's learned graph (PSI-KT), for the Tutor."""

from __future__ import annotations

from teachkit.errors import ValidationError
from teachkit.learners import BaseLearnerModel
from teachkit.spaces import Discrete


def learned_prerequisites(
    space: Discrete, model: BaseLearnerModel, *, threshold: float = 0.5
) -> Discrete:
    """``space`` with the prerequisite graph a learner model has learned, when it has none.

    Teachers that plan along prerequisites (:class:`Tutor`, :class:`PathPlanner`,
    :class:`MasteryLearning`) read them from the space. A space without prerequisites gets
    the model's likely edges (``model.prerequisites(threshold)``, a DAG over skills: see
    :meth:`teachkit.learners.PSIKT.prerequisites`); a space that has prerequisites is
    returned unchanged (a graph someone wrote down wins over a learned one).

    Args:
        space: the task space the model was fitted on.
        model: a fitted model that learns prerequisites (:class:`~teachkit.learners.PSIKT`).
        threshold: edge probability above which an edge is kept.

    Example:
        >>> import teachkit as tk
        >>> from teachkit.learners import PSIKT
        >>> from teachkit.simulators import skill_graph_log
        >>> log, _ = skill_graph_log(60, steps=20, seed=0)
        >>> names = log.space.names  # the same items and skills, without the graph:
        >>> bare = tk.spaces.Discrete(names, skills={t: log.space.skills_of(t) for t in names})
        >>> psikt = PSIKT(bare, epochs=2, seed=0).fit(log.with_space(bare))
        >>> space = learned_prerequisites(bare, psikt, threshold=0.3)
        >>> tutor = tk.teachers.Tutor(space, learner_model=psikt, seed=0)
        >>> isinstance(tutor.plan("new-learner"), list)
        True
    """
    if not isinstance(space, Discrete):
        raise ValidationError(
            "learned_prerequisites",
            [f"space: expected a Discrete space, got {type(space).__name__}"],
        )
    if space.prerequisites:
        return space
    learn = getattr(model, "prerequisites", None)
    if not isinstance(model, BaseLearnerModel) or not callable(learn):
        raise ValidationError(
            "learned_prerequisites",
            [
                f"model: expected a learner model that learns prerequisites (PSIKT), got "
                f"{type(model).__name__}"
            ],
        )
    skills = list(model.space_.skill_names)
    if skills != list(space.skill_names):
        raise ValidationError(
            "learned_prerequisites",
            [
                f"model: its skills {skills[:4]}... differ from the space's "
                f"{list(space.skill_names)[:4]}...; fit the model on this space"
            ],
        )
    graph = learn(threshold)
    if not graph:
        return space
    data = space.to_dict()
    data["prerequisites"] = graph
    data["prerequisite_level"] = "skills" if "skills" in data else "tasks"
    return Discrete._from_dict(data)
