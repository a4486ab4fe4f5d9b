"""All exercises in the order they are drawn."""

from __future__ import annotations

from poses_ankle import EXERCISES as ANKLE
from poses_hip import EXERCISES as HIP
from poses_knee import EXERCISES as KNEE
from poses_other import EXERCISES as OTHER

EXERCISES = [*HIP, *KNEE, *ANKLE, *OTHER]
