"""All exercises in the order they are drawn."""

from __future__ import annotations

from poses_ankle import EXERCISES as ANKLE
from poses_hip import EXERCISES as HIP
from poses_hops import EXERCISES as HOPS
from poses_knee import EXERCISES as KNEE
from poses_lateral import EXERCISES as LATERAL
from poses_more import EXERCISES as MORE
from poses_other import EXERCISES as OTHER
from poses_tendon import EXERCISES as TENDON

EXERCISES = [*HIP, *KNEE, *ANKLE, *OTHER, *TENDON, *HOPS, *LATERAL, *MORE]
