"""The instance audit key: created once, 0600, and the same for processes that start at the same moment."""

import stat
from concurrent.futures import ThreadPoolExecutor

from clinic.audit.seal import _instance_key


def test_racing_starters_agree_on_one_private_key(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: _instance_key(tmp_path), range(32)))
    assert len(keys) == 1 and len(keys.pop()) >= 48
    assert stat.S_IMODE((tmp_path / "audit_key").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit_key"]  # no temp files left behind
