"""Guided exercises: data files (loader), the conversation engine, and runs (service)."""
