"""Checking policies: the live check pipeline, Wayback backfill, re-extraction, following
moved policies, building a corpus, and the change summaries every new version gets."""
