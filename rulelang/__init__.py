"""rulelang: a rule language for Dutch social-assistance law, compiled to Python."""
__version__ = "0.1.0"
