"""MkDocs hooks of the documentation site (``mkdocs.yml``; ``make docs`` builds it).

The pages are the repository's own files, as they read on a forge: README.md is the home page, the
guides are docs/*.md, benchmarks/README.md and the notebooks of examples/ come along, and an API page per
public module is generated for mkdocstrings. So that nothing is written twice, these hooks

- add those files to the site and build the navigation from them (a new guide or notebook appears by
  itself; the guides first in the reading order of ``GUIDES``);
- point each relative link between them at the page it became (``docs/engine.md`` in README.md is
  ``engine.md`` on the site), and turn a link to a repository file that is no page (a ``.py``) into its
  text; a link to a file that does not exist is left alone, for MkDocs' strict check to fail on;
- copy MathJax (from the ``jupyter-server-mathjax`` package) into the site, so the notebooks' formulas
  render with no network (``custom_mathjax_url`` in ``mkdocs.yml`` points at it);
- run every code block of README.md and the guides while building (``tools/doc_code.py``, the convention
  the test suite holds them to): a failing block fails the build, and what a block printed is shown
  under it; and, before the pages, every docstring example of the API reference (pytest's doctests of
  ``src/chainrule``, as ``make test`` runs them). mkdocs-jupyter runs the notebooks.
"""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent))
import doc_code  # tools/ is no package: found through sys.path, set just above

ROOT = doc_code.ROOT
LOG = logging.getLogger("mkdocs.plugins.chainrule")
GUIDES = ["engine", "autograd", "numeric", "symbolic", "matrix", "learning", "viz"]
API = [
    "chainrule",
    "chainrule.numeric",
    "chainrule.symbolic",
    "chainrule.symbolic.matrix",
    "chainrule.nn",
    "chainrule.optim",
    "chainrule.viz",
    "chainrule.testing",
    "chainrule.tree",
    "chainrule.errors",
    "chainrule.autograd",
]
_LINK = re.compile(r"(\[[^\]]*\])\(([^)\s#]*)(#[^)\s]*)?\)")
_MATHJAX_CONFIG = """MathJax.Hub.Config({"HTML-CSS": {availableFonts: ["STIX-Web"], preferredFont: "STIX-Web",
  webFont: "STIX-Web"}});
MathJax.Ajax.loadComplete("[MathJax]/config/chainrule.js");
"""
_OUTPUT = '??? example "Printed when this site was built"\n\n    ```text\n{}    ```\n'


def _sources() -> dict[Path, str]:
    """Each repository file that is a page of the site, with its place on the site."""
    pages = {ROOT / "README.md": "index.md", ROOT / "benchmarks" / "README.md": "benchmarks.md"}
    pages |= {path: path.name for path in sorted((ROOT / "docs").glob("*.md"))}
    pages |= {path: f"examples/{path.name}" for path in sorted((ROOT / "examples").glob("*.ipynb"))}
    pages |= {ROOT / "api" / f"{name}.md": f"api/{name}.md" for name in API}
    return pages


def _guides() -> list[str]:
    names = [path.stem for path in sorted((ROOT / "docs").glob("*.md"))]
    rank = {name: i for i, name in enumerate(GUIDES)}
    return [f"{name}.md" for name in sorted(names, key=lambda n: rank.get(n, len(GUIDES)))]


def on_pre_build(config: Any) -> None:
    """Run the docstrings' examples, which the API pages show: a failing one fails the build."""
    command = [sys.executable, "-m", "pytest", "src/chainrule", "-o", "addopts=", "--doctest-modules", "-q"]
    command += ["-p", "no:cacheprovider", "--strict-markers"]
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"the docstrings' examples failed ({' '.join(command)}):\n{child.stdout}")
    LOG.info("ran the docstrings' examples: %s", child.stdout.strip().splitlines()[-1])


def on_config(config: Any) -> Any:
    """The navigation: home, the guides, the notebooks, the benchmarks, the API reference."""
    notebooks = [f"examples/{path.name}" for path in sorted((ROOT / "examples").glob("*.ipynb"))]
    config["nav"] = [
        {"Home": "index.md"},
        {"Guides": _guides()},
        {"Notebooks": notebooks},
        {"Benchmarks": "benchmarks.md"},
        {"API reference": [f"api/{name}.md" for name in API]},
    ]
    return config


@event_priority(100)  # before mkdocs-jupyter's, which claims the notebooks among the files
def on_files(files: Files, config: Any) -> Files:
    """Add the pages that live outside docs/: README.md, benchmarks, notebooks, API pages."""
    for source, uri in _sources().items():
        if source.parent == ROOT / "docs":
            continue
        if source.parent == ROOT / "api":
            name = source.stem
            content = f"# `{name}`\n\n::: {name}\n    options:\n      show_root_heading: false\n"
            files.append(File.generated(config, uri, content=content))
        elif source.suffix == ".ipynb":  # a file on disk, which mkdocs-jupyter renders
            files.append(File(uri, str(ROOT), config["site_dir"], config["use_directory_urls"]))
        else:
            files.append(File.generated(config, uri, content=source.read_text()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Run the page's code blocks, show what they printed, and point its links at the site's pages."""
    source = _source_of(page.file.src_uri)
    if source is None or source.parent == ROOT / "api":
        return markdown
    if source.suffix == ".md" and source.parent != ROOT / "benchmarks":
        markdown = _run_blocks(source, markdown)
    return _relink(markdown, source, page.file.src_uri)


def _source_of(uri: str) -> Path | None:
    return next((path for path, place in _sources().items() if place == uri), None)


def _run_blocks(source: Path, markdown: str) -> str:
    if markdown != source.read_text():
        raise RuntimeError(f"{source}: the page is not the file whose code runs")
    with tempfile.TemporaryDirectory(prefix="chainrule-docs-") as workdir:
        printed = doc_code.run_file_apart(source, Path(workdir))
    lines = markdown.splitlines()
    ends = {block.line: block.end for block in doc_code.blocks(source, markdown)}
    for line, out in sorted(printed.items(), reverse=True):
        if out.strip():
            shown = "".join(f"    {row}\n" for row in out.rstrip("\n").splitlines())
            lines.insert(ends[line], "\n" + _OUTPUT.format(shown))
    LOG.info("ran the %d python blocks of %s", len(printed), source.relative_to(ROOT))
    return "\n".join(lines) + "\n"


def _relink(markdown: str, source: Path, uri: str) -> str:
    pages = _sources()

    def relink(match: re.Match[str]) -> str:
        text, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        if not target or "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        path = (source.parent / target).resolve()
        if path in pages:
            return f"{text}({posixpath.relpath(pages[path], posixpath.dirname(uri) or '.')}{anchor})"
        if path.is_file() and path.is_relative_to(ROOT):
            return text[1:-1]  # a source file: the site carries pages, not the repository
        return match.group(0)

    return _LINK.sub(relink, markdown)


def on_post_build(config: Any) -> None:
    """Copy MathJax into ``assets/mathjax`` of the site (the notebook pages load it from there)."""
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    unused = shutil.ignore_patterns("SVG", "unpacked", "LICENSE")
    target = Path(config["site_dir"]) / "assets" / "mathjax"
    shutil.copytree(static, target, ignore=unused, dirs_exist_ok=True)
    # the package ships the STIX-Web fonts only, not MathJax's default TeX ones
    (target / "config" / "chainrule.js").write_text(_MATHJAX_CONFIG)
