"""Static modules of every generated package (this file is not copied)."""
