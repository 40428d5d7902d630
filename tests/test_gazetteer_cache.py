"""The prebuilt gazetteer: written once to the cache folder, loaded by workers, answering as the built one does."""
from __future__ import annotations

import pytest

from flows.batch import cached_gazetteer
from transforms import geo


def test_the_cached_gazetteer_answers_as_the_built_one(tmp_path):
    built = [geo.locate(city, state, code) for city, state, code in
             [("Seattle", "Washington", "US"), ("Lyon", None, "FR"), ("Springfield", None, "US"), ("Nowhere", None, "FR")]]
    path = cached_gazetteer(tmp_path / "cache")
    assert path.exists() and cached_gazetteer(tmp_path / "cache") == path  # built once
    geo.use_gazetteer(path.read_bytes())
    assert [geo.locate(c, s, k) for c, s, k in
            [("Seattle", "Washington", "US"), ("Lyon", None, "FR"), ("Springfield", None, "US"),
             ("Nowhere", None, "FR")]] == built


def test_data_of_another_format_is_refused():
    with pytest.raises(ValueError):
        geo.use_gazetteer(b'20\n["other-format", []]  ')
