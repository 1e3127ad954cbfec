"""Layer 1, base: the framework table, build paths, errors, atomic writes, outputs, processes,
signals, the lock, the tool digest, the MyST reader and the warm kernel."""
