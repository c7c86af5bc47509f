"""Teachers over continuous task spaces (``spaces.Box``): ALP-GMM, Covar-GMM, RIAC, ADR.
``_mixture`` holds the Gaussian-mixture sampler they share, ``_presets`` the named presets."""

from teachkit.teachers.continuous._adr import ADR
from teachkit.teachers.continuous._alp_gmm import ALPGMM
from teachkit.teachers.continuous._covar_gmm import CovarGMM
from teachkit.teachers.continuous._riac import RIAC

__all__ = ["ADR", "ALPGMM", "RIAC", "CovarGMM"]
