"""The book's GitHub Actions workflow, run here in fresh Debian roots (``make workflow``)."""
