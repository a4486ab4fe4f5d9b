"""Builds every exercise illustration SVG from the pose tables: `python draw.py [--out DIR]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the helper modules sit next to this script
sys.dont_write_bytecode = True  # keep __pycache__ out of the shipped resources folder

from poses import EXERCISES  # noqa: E402
from render import compose  # noqa: E402
from words_es import SPANISH  # noqa: E402

DEFAULT_OUT = HERE.parent


# Drawings with their printed words in another language go in a subfolder named by its code.
TRANSLATIONS = {"es": SPANISH}


def write_all(out_dir: Path, only: set[str] | None = None) -> list[Path]:
    """Write one <id>.svg per exercise into out_dir, and one per language into out_dir/<code>/;
    returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in EXERCISES:
        if only and ex.id not in only:
            continue
        path = out_dir / f"{ex.id}.svg"
        path.write_text(compose(ex), encoding="utf-8", newline="\n")
        written.append(path)
        for code, words in TRANSLATIONS.items():
            (out_dir / code).mkdir(exist_ok=True)
            path = out_dir / code / f"{ex.id}.svg"
            path.write_text(compose(ex, words), encoding="utf-8", newline="\n")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the SVG files")
    parser.add_argument("ids", nargs="*", help="only these exercise ids (default: all)")
    args = parser.parse_args(argv)
    written = write_all(args.out, set(args.ids) or None)
    print(f"wrote {len(written)} illustrations (all languages) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
