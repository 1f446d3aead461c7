"""One 'did you mean' for the importer's mapping errors and the monitor configuration."""

from tools.suggest import did_you_mean


def test_the_closest_known_name_is_suggested():
    assert did_you_mean("win_rates", ["win_rate", "bookings"]) == " (did you mean 'win_rate'?)"
    assert did_you_mean("opportunites", ["opportunities", "users"]) == \
        " (did you mean 'opportunities'?)"


def test_nothing_close_suggests_nothing():
    assert did_you_mean("zzz", ["win_rate", "bookings"]) == ""
    assert did_you_mean("anything", []) == ""
