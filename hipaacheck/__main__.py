"""``python -m hipaacheck``."""
from .cli import run

run()
