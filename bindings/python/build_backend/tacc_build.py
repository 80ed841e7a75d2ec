"""PEP 517 backend: maturin, with one fix for this workspace's layout.

maturin (uniffi bindings) generates the Python module by running `cargo run --bin uniffi-bindgen`
at the workspace root. Our root is also the `tacc` package, so cargo looks for that bin in `tacc`
only and fails; the generator is the workspace member `tools/uniffi-bindgen`. The `cargo` wrapper
in bin/ adds `-p uniffi-bindgen` to exactly that command and passes everything else through.
"""

import os

_BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin")
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

from maturin import *  # noqa: E402,F401,F403 - the PEP 517 hooks
from maturin import build_sdist, build_wheel  # noqa: E402,F401
