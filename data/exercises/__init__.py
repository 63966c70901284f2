"""The built-in exercises, shipped as the package ``nextinterview_exercises`` (see
pyproject.toml) so an installed bot finds them through importlib.resources. The content is
the TOML files next to this one; this file only makes the folder a regular package."""
