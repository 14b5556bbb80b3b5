"""Benchmarks: each module has `main() -> list[Figure]`; `python -m bench` runs them all."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure, its unit, its target, and the baseline it is a ratio of (if any)."""

    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: no target to judge against
    baseline: float | None = None

    def row(self) -> str:
        verdict = {True: "ok", False: "MISSED", None: ""}[self.ok]
        ratio = f" (baseline {self.baseline:g})" if self.baseline is not None else ""
        return (
            f"{self.name:<48} {self.value:>12,.2f} {self.unit:<10} {self.target:<16} "
            f"{verdict}{ratio}"
        )

    def as_dict(self) -> dict:
        return asdict(self)
