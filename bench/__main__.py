"""Run every benchmark module (or those named) and print one table; JSON in bench/results/."""

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench

RESULTS = Path(__file__).parent / "results"


def main(names: list[str]) -> int:
    modules = names or sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )
    figures = []
    for name in modules:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        for figure in module.main():
            print(figure.row(), flush=True)
            figures.append({"bench": name, **figure.as_dict()})
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(f"results: {out}")
    return 1 if any(f["ok"] is False for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
