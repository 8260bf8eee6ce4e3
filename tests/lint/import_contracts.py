"""An import-linter contract type: a package may import only what is listed, and the standard
library. import-linter's own `forbidden` contract needs every unwanted package named, so a new
dependency would slip through it; this one refuses whatever is not allowed."""

from __future__ import annotations

import sys

import grimp
from importlinter import Contract, ContractCheck, fields, output


class AllowedImportsContract(Contract):
    """Options: `source_modules` (packages checked, their submodules included) and
    `allowed_modules` (packages they may import besides themselves and the standard library)."""

    type_name = "allowed_imports"

    source_modules = fields.ListField(subfield=fields.StringField())
    allowed_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        sources: list[str] = list(self.source_modules)  # type: ignore[call-overload]
        allowed: list[str] = [*sources, *self.allowed_modules]  # type: ignore[misc]
        illegal = []
        for source in sources:
            for importer in sorted({source, *graph.find_descendants(source)}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if not _allowed(imported, allowed):
                        illegal.append((importer, imported))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported in check.metadata["illegal"]:
            output.print_error(f"- {importer} -> {imported} (not allowed)", bold=False)
        output.new_line()


def _allowed(module: str, allowed: list[str]) -> bool:
    top = module.partition(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(module == name or module.startswith(name + ".") for name in allowed)
