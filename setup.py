"""The build hook of niic-sched (everything else is in pyproject.toml).

It compiles the gettext catalogs, niic_sched/locale/<lang>/LC_MESSAGES/messages.po, into
messages.mo files, so that every install (pip install ., pip install -e ., a wheel) carries
compiled catalogs with no manual step: into the build for a wheel, next to the .po files for
an editable install. (niic_sched.i18n also compiles a catalog in memory when its .mo is
missing or older than the .po, so a plain source checkout works as well.)
"""
from __future__ import annotations

import io
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path(__file__).resolve().parent / "niic_sched" / "locale"


def compile_catalogs(dest: Path) -> list[Path]:
    """Compile every catalog under LOCALE into the same layout under ``dest``; returns the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        target = dest / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buf.getvalue())
        written.append(target)
    return written


class BuildWithCatalogs(build_py):
    """build_py, then the compiled catalogs (in the source tree for an editable install)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            compile_catalogs(LOCALE)
        else:
            compile_catalogs(Path(self.build_lib) / "niic_sched" / "locale")

    def get_outputs(self, include_bytecode=1):
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            root = Path(self.build_lib) / "niic_sched" / "locale"
            outputs += [str(root / po.relative_to(LOCALE).with_suffix(".mo"))
                        for po in LOCALE.glob("*/LC_MESSAGES/*.po")]
        return outputs


if __name__ == "__main__":        # setuptools runs this file as __main__; the tests import compile_catalogs
    setup(cmdclass={"build_py": BuildWithCatalogs})
