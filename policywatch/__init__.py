"""policywatch: privacy-policy archive crawler and change tracker (the app wiring the libraries)."""

__version__ = "0.1.0"
