"""deskkit's pytest plugin, as a user meets it: installed with deskkit (entry point pytest11), a project of
their own (project/) using only its public fixtures, marker and options, run by pytest in a fresh directory.

The project's tests pass and fail as they should: the user's naive reading of a desktop fails on the quirky
bodies the mock serves (a one-item list where the tables promise an object), the tolerant one survives them
and refuses invalid ones, and a misconfigured mock is an error naming the setting.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

PROJECT = Path(__file__).parent / "project"
README = Path(__file__).parent.parent.parent / "README.md"


def readme_example() -> str:
    """The test the README offers to copy: the first Python block after "A test to copy"."""
    text = README.read_text(encoding="utf-8")
    start = text.index("```python\n", text.index("A test to copy")) + len("```python\n")
    return text[start:text.index("```", start)]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for item in PROJECT.iterdir():
        if item.name != "__pycache__":
            (shutil.copytree if item.is_dir() else shutil.copy)(item, pytester.path / item.name)
    (pytester.path / "test_readme_example.py").write_text(readme_example(), encoding="utf-8")
    return pytester


def _outcomes(report: Path) -> dict[str, str]:
    """Each test's outcome (``module::name``) from the JUnit XML pytest writes: passed, failed, error or skipped."""
    out = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}.get(kinds[0] if kinds else "", "passed")
        out[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return out


def test_the_users_tests_pass_and_fail_as_they_should(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("test_desktops.py", "test_readme_example.py", "--deskkit-profile", "dev",
                                          "-p", "no:cacheprovider", "--junitxml", "report.xml")
    outcomes = _outcomes(project.path / "report.xml")
    assert outcomes == {
        "test_desktops::test_name_survives_quirky_bodies": "passed",
        "test_desktops::test_invalid_bodies_are_refused": "passed",
        "test_desktops::test_naive_name_on_what_the_service_sends": "failed",
        "test_desktops::test_every_desktop_over_loopback": "passed",
        "test_desktops::test_strict_name_with_quirks_off_and_on[desktop_transport0]": "passed",
        "test_desktops::test_strict_name_with_quirks_off_and_on[desktop_transport1]": "failed",
        "test_desktops::test_a_mock_of_its_own": "passed",
        "test_desktops::test_the_mock_is_gone_after_its_test": "passed",
        "test_desktops::test_503s_are_retried": "passed",
        "test_desktops::test_seeds_choose_the_desktops[desktop_mock0]": "passed",
        "test_desktops::test_seeds_choose_the_desktops[desktop_mock1]": "passed",
        "test_desktops::test_a_fixtures_folder_beside_the_tests": "passed",
        "test_desktops::test_async_clients_in_process": "passed",
        "test_desktops::test_an_unknown_setting": "error",
        "test_desktops::test_a_setting_of_the_wrong_type[desktop_mock0]": "error",
        "test_desktops::test_a_fault_rate_of_the_wrong_type": "error",
        "test_desktops::test_the_profile_chosen_on_the_command_line": "passed",
        # the README's example, as a user copies it
        "test_readme_example::test_name_survives_quirky_bodies": "passed",
        "test_readme_example::test_invalid_bodies_are_refused": "passed",
        "test_readme_example::test_over_loopback_with_503s": "passed",
    }, result.stdout.str()
    text = result.stdout.str()
    # The failure is the user's bug, shown with the body that triggers it (Hypothesis's falsifying example).
    assert "AttributeError: 'list' object has no attribute 'get'" in text and "Failing test case" in text
    assert "deskkit_mock: unknown setting(s) ['colour']" in text
    # a setting of the wrong type is named with the type expected and the type given, before the mock starts
    # (it was a TypeError deep in the mock's store); a token's value is never printed
    assert "deskkit_mock: setting 'seed' expects int, got a value of type str" in text
    assert ("deskkit_mock: setting 'faults' expects a mapping of str to float, got a value of type dict; "
            "setting 'token' expects str or None, got a value of type int") in text
    assert "TypeError" not in text and "1234567" not in text
    assert "ContractError" in text  # the strict reading, on the first quirky desktop


def test_an_unknown_profile_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("test_desktops.py", "--deskkit-profile", "nightly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--deskkit-profile nightly: no Hypothesis profile of that name" in result.stderr.str()


def test_the_ini_option_chooses_the_bindings(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\ndeskkit_package = no_such_bindings\n")
    result = project.runpytest_subprocess("test_bindings.py")
    result.assert_outcomes(errors=1)
    assert "cannot import the bindings 'no_such_bindings'" in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
    assert "During handling of the above exception" not in result.stdout.str()  # the message once, not chained
