"""Guided exercises: data files (loader), the conversation engine, runs (service), what they
create (effects) and the documents members keep (sheets)."""
