"""Teachers that create tasks on a :class:`~teachkit.spaces.Generated` space: ACCEL (edits of
high-regret levels), POET-style pairing (environments and learners that evolve together)
and CLUTR (a learned latent task space searched for regret). Their helpers live beside
them: ``_regret`` (level scores from outcomes), ``_buffer`` (the scored level buffer),
``_vae`` (CLUTR's task VAE)."""

from teachkit.teachers.generative._accel import ACCEL
from teachkit.teachers.generative._clutr import CLUTR
from teachkit.teachers.generative._poet import POET, Pair

__all__ = ["ACCEL", "CLUTR", "POET", "Pair"]
