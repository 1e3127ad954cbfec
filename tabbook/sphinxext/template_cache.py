"""The HTML builder's compiled Jinja templates, cached in the build folder
(:attr:`tabbook.core.layout.Layout.templates`; the ``template_bytecode_cache`` patch of
:data:`tabbook.sphinxext.compat.PATCHES`).

A cache may be damaged (a full disk, a killed build, a copy cut short): a file that
cannot be read is deleted and its template compiled again, never a failed build.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2
import jinja2.bccache


class SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, with a damaged file a miss: Jinja reads the source checksum with
    ``pickle.load`` and lets "pickle data was truncated" fail every render."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - whatever a damaged file raises: compile again
            bucket.reset()
            try:
                os.unlink(self._get_cache_filename(bucket))
            except OSError:
                pass


def cache_compiled_templates(app, folder: Path) -> bool:
    """Give the HTML builder's Jinja environment a bytecode cache in ``folder``; whether it
    could (``app.builder.templates.environment`` is not a public API of Sphinx)."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or not hasattr(environment, "bytecode_cache"):
        return False
    # (Jinja keys a compiled template by its name and source only: environments with other
    # settings each get a folder of their own)
    settings = repr((jinja2.__version__, type(environment).__name__,
                     sorted(environment.extensions), environment.autoescape,
                     environment.block_start_string, environment.variable_start_string,
                     environment.comment_start_string, environment.line_statement_prefix,
                     environment.trim_blocks, environment.lstrip_blocks,
                     environment.newline_sequence, environment.keep_trailing_newline,
                     environment.optimized))
    folder = Path(folder) / hashlib.sha256(settings.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = SafeBytecodeCache(str(folder))
    return True
