"""Run alone, with the deskkit_package ini option naming bindings that do not exist."""


def test_bindings_that_do_not_exist(desktop_transport):  # EXPECTED TO ERROR at setup, naming the package
    pass
