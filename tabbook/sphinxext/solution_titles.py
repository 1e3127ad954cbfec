"""A solution's title as a translated edition words it ("练习4.3.1的解答"), made from
sphinx-exercise's title nodes (an upstream internal: ``compat.PATCHES``). Added to Sphinx
by :mod:`tabbook.sphinxext.sphinx_i18n`.
"""

from __future__ import annotations

from sphinx.transforms.post_transforms import SphinxPostTransform

from ..sources.i18n import SOURCE, UI_DOMAIN, edition_of


def retitle_solutions(document, config) -> None:
    """A solution's title as the edition words it: "Solution to Exercise 4.3.1" is
    "练习4.3.1的解答" in Chinese (the tool's string ``Solution to {}``), as the Colab
    notebooks and the reader's buttons say it. sphinx-exercise makes the title its word
    for "Solution to" followed by a link to the exercise; the link stays a link.
    (A post-transform, after sphinx-exercise's titles and ``TidyExercises``.)"""
    if edition_of(config.language) is SOURCE:
        return
    try:
        from sphinx_exercise import translate as exercise_word
        from sphinx_exercise.nodes import solution_node
    except ImportError:
        return
    import re

    from docutils import nodes
    from sphinx.locale import get_translation

    _ = get_translation(UI_DOMAIN)
    word = str(exercise_word("Solution to")).strip()
    exercise = str(exercise_word("Exercise")).strip()
    number_format = (config.numfig_format or {}).get("exercise", "")
    before, _sep, after = str(_("Solution to {}")).partition("{}")
    for solution in document.findall(solution_node):
        for title in solution.findall(nodes.title):
            refs = [c for c in title.children if isinstance(c, nodes.reference)]
            texts = [c for c in title.children if isinstance(c, nodes.Text)]
            if len(refs) != 1 or not texts or "".join(texts).strip() != word:
                continue
            for text in texts:
                title.remove(text)
            # the link's text, "练习 4.3.1" (sphinx-exercise's word + " " + number), as
            # the exercise's own title numbers it (numfig_format)
            first = refs[0].next_node(nodes.Text)
            m = re.fullmatch(rf"\s*{re.escape(exercise)}\s+(\S+)(.*)", first or "", re.S)
            if m and "%s" in number_format:
                first.parent.replace(first, nodes.Text(number_format % m.group(1) + m.group(2)))
            index = title.index(refs[0])
            if after:
                title.insert(index + 1, nodes.Text(after))
            if before:
                title.insert(index, nodes.Text(before))


class SolutionTitles(SphinxPostTransform):
    """:func:`retitle_solutions` on every page."""

    default_priority = 31  # after sphinx-exercise's (20-22) and TidyExercises (30)

    def run(self, **kwargs) -> None:
        retitle_solutions(self.document, self.config)
