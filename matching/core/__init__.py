"""The matching core: plain Python over plain data, no database.

The ORM adapter (`matching.candidates`, `matching.batches`) fetches candidates with PostGIS
and hands them here as the plain records of `types`; the core checks hard constraints,
scores, allocates and explains.
"""
