"""``deskkit mock``: the spec's operations served over HTTP on loopback, with faults on demand."""
