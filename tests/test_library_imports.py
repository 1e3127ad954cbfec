"""`from d2l import <fw> as d2l` imports nothing the chapter does not use."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bookutil import REPO
from tabbook.envs import env_python
from tabbook.frameworks import FRAMEWORKS

HEAVY = {"pandas", "scipy", "torchvision", "requests", "matplotlib", "IPython"}
PROBE = """
import json, sys
before = set(sys.modules)
import {base}
base = set(sys.modules)
from d2l import {module} as d2l
added = sorted({{m.split('.')[0] for m in set(sys.modules) - base}})
print(json.dumps(added))
"""


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda fw: fw.name)
def test_library_adds_no_heavy_imports(fw):
    code = PROBE.format(base=fw.import_name, module=fw.module)
    res = subprocess.run([str(env_python(fw.name)), "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    added = set(json.loads(res.stdout.strip().splitlines()[-1]))
    assert not added & HEAVY, f"from d2l import {fw.module} also imports {sorted(added & HEAVY)}"
