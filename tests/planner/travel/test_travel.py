from __future__ import annotations

import numpy as np
import pytest

from planner.travel import StraightLineTravel, travel_model_from_description


def test_matrix_is_whole_rounded_up_and_uses_the_mode_speed() -> None:
    model = StraightLineTravel(detour_factor=1.3, speed_kmh={"motorbike": 25, "foot": 5})
    lat, lon = [22.0, 23.0, 22.0], [105.0, 105.0, 105.0]
    bike = model.matrix(lat, lon, "motorbike")
    foot = model.matrix(lat, lon, "foot")
    assert bike.seconds.dtype == np.int64 and bike.metres.dtype == np.int64
    one_degree_m = 111_195 * 1.3
    assert bike.metres[0, 1] == pytest.approx(one_degree_m, rel=1e-3)
    assert bike.seconds[0, 1] == pytest.approx(one_degree_m / (25 / 3.6), rel=1e-3)
    assert foot.seconds[0, 1] > 4 * bike.seconds[0, 1]
    assert (np.diag(bike.seconds) == 0).all() and bike.metres[0, 2] == 0
    assert (bike.seconds == bike.seconds.T).all()


def test_rounding_is_up_never_down() -> None:
    model = StraightLineTravel(detour_factor=1.0, speed_kmh={"motorbike": 36})  # 10 m/s
    m = model.matrix([0.0, 0.0], [0.0, 0.0001], "motorbike")  # 11.12 m
    assert m.metres[0, 1] == 12 and m.seconds[0, 1] == 2


def test_description_round_trip() -> None:
    model = StraightLineTravel(1.4, {"motorbike": 20, "car": 30, "foot": 4})
    again = travel_model_from_description(model.describe())
    pts = ([22.1, 22.2, 22.15], [105.8, 105.9, 105.85])
    assert (again.matrix(*pts, "car").seconds == model.matrix(*pts, "car").seconds).all()
