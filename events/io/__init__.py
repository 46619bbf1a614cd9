"""Plumbing the stages share: atomic files and the on-disk cache of fetched bodies."""
