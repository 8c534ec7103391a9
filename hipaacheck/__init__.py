"""hipaacheck: HIPAA Security Rule compliance as code."""

__version__ = "0.1.0"
