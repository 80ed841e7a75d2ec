"""The installed distribution: its name and version, and the typing files it ships (PEP 561)."""

import os
from importlib import metadata

import pytest

import tacc

# Not "tacc": that is the published tacc 0.1.0 (pyproject.toml says why).
DIST = "tacc-rs"


def test_distribution_version_is_the_library_version():
    assert metadata.version(DIST) == tacc.__version__
    assert metadata.metadata(DIST)["Name"] == DIST


def test_published_tacc_is_not_installed_beside_it():
    # Both put a `tacc/` folder in site-packages: one would overwrite the other's files.
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("tacc")


def test_ships_py_typed_and_the_extension_stubs():
    files = {str(f) for f in metadata.files(DIST) or []}
    assert {"tacc/py.typed", "tacc/_native.pyi"} <= files, sorted(files)
    assert any(f.startswith("tacc/_native.") and ".abi3." in f for f in files), sorted(files)
    # The imported package is that distribution's, with the files beside it.
    here = os.path.dirname(tacc.__file__)
    for name in ("py.typed", "_native.pyi"):
        assert os.path.isfile(os.path.join(here, name)), name
    assert os.path.samefile(metadata.distribution(DIST).locate_file("tacc/__init__.py"), tacc.__file__)
