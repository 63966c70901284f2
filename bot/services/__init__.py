"""Decisions, with no Discord types: plain values in, plain results out."""
