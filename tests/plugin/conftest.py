"""The user-like project under project/ is run by test_plugin.py in a pytester directory, not collected here."""

collect_ignore = ["project"]
