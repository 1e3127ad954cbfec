"""The local workflow runner's Debian image (tools/workflow/roots.py): made once, however
many processes or jobs ask for it at once (the build tests and the browser tests' runs
both run workflows; `make workflow` runs two jobs at a time)."""

from __future__ import annotations

import threading
import time

from tools.workflow import roots


def test_the_image_is_made_once_when_two_ask_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(roots, "cache_dir", lambda: tmp_path)
    made = []

    def make(suite, tar, log):  # (what debootstrap and tar do, in 0.3 s)
        made.append(suite)
        time.sleep(0.3)
        tar.write_bytes(b"image")
        return tar

    monkeypatch.setattr(roots, "_make_image", make)
    got = []
    threads = [threading.Thread(target=lambda: got.append(roots.image("bookworm")))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == ["bookworm"]
    assert got == [tmp_path / "debian-bookworm-minbase.tar"] * 3
    # asked to refresh it, a process makes it again
    roots.image("bookworm", refresh=True)
    assert made == ["bookworm", "bookworm"]
