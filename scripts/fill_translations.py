"""Apply Vietnamese translations from a Python dict file ({msgid or (msgctxt, msgid): translation}) to the
catalogue, fill the English catalogue with the English source texts (so both are complete), and compile both.
`python scripts/fill_translations.py [DICT.py]`."""

import runpy
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "ioc" / "locale"


def main() -> None:
    new = runpy.run_path(sys.argv[1])["VI"] if len(sys.argv) > 1 else {}
    vi = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    for entry in vi:
        key = (entry.msgctxt, entry.msgid) if (entry.msgctxt, entry.msgid) in new else entry.msgid
        if key in new and (entry.msgctxt is None or isinstance(key, tuple)):
            if entry.msgid_plural:  # Vietnamese has one plural form
                entry.msgstr_plural = {0: new[key]}
            else:
                entry.msgstr = new[key]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    for entry in vi.obsolete_entries():  # strings the code no longer has
        vi.remove(entry)
    vi.save()
    vi.save_as_mofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.mo"))
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    for entry in en:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
    for entry in en.obsolete_entries():
        en.remove(entry)
    en.save()
    en.save_as_mofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.mo"))
    missing = [
        e.msgid
        for e in vi
        if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr_plural.get(0) if e.msgid_plural else e.msgstr))
    ]
    print(f"{len(missing)} Vietnamese entries still missing", *missing, sep="\n")


if __name__ == "__main__":
    main()
