"""The hand-written checks on sponsors, identifiers, coordinates and country lists quarantine only the record at
fault, and a clean record with every new field passes them."""
from __future__ import annotations

import pytest

from expectations.gate import Gate
from transforms.record import CountryListing, Identifier, ParsedTrial, Site, Sponsor
from transforms.shape import SourceRecord, shape_batch


@pytest.fixture(scope="module")
def gate() -> Gate:
    return Gate()


def frames(*trials: tuple[str, ParsedTrial]):
    recs = [SourceRecord(t, path, "0" * 64, 0, "run") for path, t in trials]
    return {name: table.to_pandas() for name, table in shape_batch(recs).items()}


CLEAN = ParsedTrial(
    layout="x", nct_id="NCT00000003", title="t",
    sponsors=[Sponsor("Acme", "LEAD", "INDUSTRY"), Sponsor("Uni", "COLLABORATOR")],
    sites=[Site(city="Seattle", state="Washington", country="United States"),
           Site(city="Lyon", country="France", latitude=45.75, longitude=4.85), Site(city="Nowhere", country="Utopia")],
    identifiers=[Identifier("NCT00000003", "PRIMARY", "CTGOV"), Identifier("2014-003865-11", "REGISTRY", "EUCTR"),
                 Identifier("ACME-1", "OTHER")],
    countries=[CountryListing("Germany", removed=True)])


def test_a_record_with_every_new_field_passes(gate: Gate) -> None:
    batch = frames(("clean", CLEAN))
    sources = batch["site"]["geo_source"]
    assert sources.tolist()[:2] == ["GEONAMES", "REGISTRY"] and sources.isna()[2]
    result = gate.validate(batch)
    assert not result.quarantined and not result.blocked and not result.failures


def test_two_lead_sponsors_or_an_unnamed_registry_quarantine_that_record_only(gate: Gate) -> None:
    two_leads = ParsedTrial(layout="x", nct_id="NCT00000001", title="t",
                            sponsors=[Sponsor("A", "LEAD"), Sponsor("B", "LEAD"), Sponsor("C", "COLLABORATOR")])
    no_registry = ParsedTrial(layout="x", nct_id="NCT00000002", title="t",
                              identifiers=[Identifier("X-1", "REGISTRY", None)])
    result = gate.validate(frames(("clean", CLEAN), ("leads", two_leads), ("ids", no_registry)))
    assert result.quarantined == {"leads#0": "failed expectation: at most one LEAD sponsor per trial",
                                  "ids#0": "failed expectation: another registry's identifier names its registry"}
    assert not result.blocked


@pytest.mark.parametrize("table, column, value, check", [
    ("site", "geo_source", None, "a site's coordinates come in pairs and say where they come from"),
    ("site", "longitude", None, "a site's coordinates come in pairs and say where they come from"),
    ("trial_country", "source", "SITE", "only a registry's country list marks a country removed"),
])
def test_coordinates_and_removed_countries_are_consistent(gate: Gate, table, column, value, check) -> None:
    batch = frames(("clean", CLEAN), ("other", ParsedTrial(layout="x", nct_id="NCT00000004", title="t")))
    df = batch[table]
    row = df.index[df["latitude"].notna()][0] if table == "site" else df.index[df["removed"]][0]
    df.loc[row, column] = value
    result = gate.validate(batch)
    assert result.quarantined == {"clean#0": f"failed expectation: {check}"}
