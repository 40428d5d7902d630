"""Therapeutic areas: the top branches of MeSH's Diseases tree (C) and Mental Disorders (F03), as data.

A trial's areas are the branches its condition MeSH terms fall under: CT.gov's `ancestors` name them, or a term is
the branch itself. Descriptor IDs checked against the MeSH browser (2024); C12 was split into Male Urogenital
Diseases and Female Urogenital Diseases and Pregnancy Complications before 2023, and records of both vintages are
in the registry, so both IDs of those branches are listed.
"""
from __future__ import annotations

# (area code, label, MeSH descriptor IDs of the branch)
THERAPEUTIC_AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("C01", "Infections", ("D007239",)),
    ("C04", "Neoplasms", ("D009369",)),
    ("C05", "Musculoskeletal diseases", ("D009140",)),
    ("C06", "Digestive system diseases", ("D004066",)),
    ("C07", "Stomatognathic diseases", ("D009057",)),
    ("C08", "Respiratory tract diseases", ("D012140",)),
    ("C09", "Otorhinolaryngologic diseases", ("D010038",)),
    ("C10", "Nervous system diseases", ("D009422",)),
    ("C11", "Eye diseases", ("D005128",)),
    ("C12", "Urogenital diseases and pregnancy complications", ("D000091642", "D052801", "D005261")),
    ("C14", "Cardiovascular diseases", ("D002318",)),
    ("C15", "Hemic and lymphatic diseases", ("D006425",)),
    ("C16", "Congenital, hereditary and neonatal diseases", ("D009358",)),
    ("C17", "Skin and connective tissue diseases", ("D017437",)),
    ("C18", "Nutritional and metabolic diseases", ("D009750",)),
    ("C19", "Endocrine system diseases", ("D004700",)),
    ("C20", "Immune system diseases", ("D007154",)),
    ("C21", "Disorders of environmental origin", ("D004778",)),
    ("C22", "Animal diseases", ("D000820",)),
    ("C23", "Pathological conditions, signs and symptoms", ("D013568",)),
    ("C24", "Occupational diseases", ("D009784",)),
    ("C25", "Chemically-induced disorders", ("D064419",)),
    ("C26", "Wounds and injuries", ("D014947",)),
    ("F03", "Mental disorders", ("D001523",)),
)
