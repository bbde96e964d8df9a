"""reportarchiver: archive report web pages into SQLite, searchable with Datasette."""

__version__ = "0.1.0"
