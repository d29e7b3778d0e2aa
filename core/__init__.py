"""Shared types, settings and errors used by every PolicyQA package."""
