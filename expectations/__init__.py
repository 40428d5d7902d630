"""Great Expectations suites generated from schemas/ plus hand-written checks; the gate before any load."""
