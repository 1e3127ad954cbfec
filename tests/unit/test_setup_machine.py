"""The machine set-up's proofs (tests/setup_machine.py): a font package is present when
fontconfig has its own family for the language, not when another package's font covers the
language (Chromium's recommended Droid Sans Fallback covers Chinese, and then the Chinese
pages and PDFs were drawn without Noto CJK)."""

from __future__ import annotations

import pytest

import setup_machine


def test_a_font_proof_wants_the_packages_own_family():
    families = setup_machine.fonts_for("zh")
    if not families:
        pytest.skip("no font for Chinese on this machine (make test-setup installs one)")
    assert setup_machine._present(f"fonts:zh:{families[0]}")
    assert not setup_machine._present("fonts:zh:No Such Family")


def test_the_chinese_fonts_proof_names_noto_cjk():
    assert setup_machine.DEBIAN_PACKAGES["fonts-noto-cjk"] == "fonts:zh:Noto Sans CJK"
