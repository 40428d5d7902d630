"""Country spellings that pycountry (ISO 3166-1) does not know, as data: registry and historic names → a code, and the
one canonical name shown per code.

`transforms.geo` reads pycountry's names first (name, official name, common name; accents, case, punctuation, a
leading "the", "&"/"and" and "St."/"Saint" do not matter there) and these aliases after. Keys are compared the
same way, so each spelling is listed once.

Withdrawn countries: a registry still lists sites in "Former Serbia and Montenegro" or the "Netherlands Antilles".
Their sites are coded with the country's ISO 3166-3 former alpha-2 code (CS, AN, YU, SU), which ISO keeps reserved
and has not given to any current country, so a chart shows them apart rather than guessing a successor state.
Czechoslovakia is not coded: its former code CS was given to Serbia and Montenegro afterwards. A country that was
only renamed (Burma, Swaziland, Zaire) takes its current code. Kosovo, which has no ISO code, takes XK, the
user-assigned code the European Commission and CT.gov's data partners use.
"""
from __future__ import annotations

# Spelling → ISO 3166-1 alpha-2 code (or ISO 3166-3 former alpha-2 for a withdrawn country, see above).
COUNTRY_ALIASES: dict[str, str] = {
    # CT.gov location and removed-country spellings
    "Turkey": "TR", "Turkey (Türkiye)": "TR", "Republic of Turkey": "TR",
    "Russia": "RU",
    "Czech Republic": "CZ",
    "Korea, South": "KR", "Republic of Korea": "KR", "Korea, North": "KP",
    "Macedonia": "MK", "Macedonia, The Former Yugoslav Republic of": "MK",
    "Former Yugoslav Republic of Macedonia": "MK",
    "Libyan Arab Jamahiriya": "LY",
    "Palestine": "PS", "Palestinian Territory, occupied": "PS", "Palestinian Territories, Occupied": "PS",
    "Occupied Palestinian Territory": "PS", "Palestinian Territories": "PS",
    "Congo, The Democratic Republic of": "CD", "Democratic Republic of the Congo": "CD", "DR Congo": "CD",
    "Congo (Kinshasa)": "CD", "Congo (Brazzaville)": "CG",
    "Virgin Islands (U.S.)": "VI", "US Virgin Islands": "VI", "U.S. Virgin Islands": "VI",
    "Virgin Islands (British)": "VG",
    "Micronesia": "FM", "Vatican City": "VA", "Holy See": "VA", "Brunei": "BN", "Macau": "MO",
    "Cape Verde": "CV", "Ivory Coast": "CI", "East Timor": "TL", "Swaziland": "SZ", "Burma": "MM", "Zaire": "CD",
    "Falkland Islands": "FK", "Saint Martin": "MF", "Sint Maarten": "SX", "Saint Helena": "SH",
    "Bonaire": "BQ", "Reunion Island": "RE",
    "Kosovo": "XK",
    # English forms seen in free text
    "United States of America": "US", "U.S.": "US", "U.S.A.": "US",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB",
    "Wales": "GB", "Northern Ireland": "GB",
    "Holland": "NL", "UAE": "AE",
    # withdrawn countries (ISO 3166-3)
    "Serbia and Montenegro": "CS", "Former Serbia and Montenegro": "CS",
    "Netherlands Antilles": "AN",
    "Yugoslavia": "YU", "Former Yugoslavia": "YU",
    "Soviet Union": "SU", "USSR": "SU",
}

# One name per code where pycountry's common (else short) name reads as a registry form or is missing. Türkiye
# (ISO's short name since 2022, and what CT.gov now writes beside "Turkey") rather than Turkey.
CANONICAL_NAMES: dict[str, str] = {
    "RU": "Russia", "PS": "Palestine", "CD": "DR Congo", "FM": "Micronesia", "VA": "Vatican City",
    "BN": "Brunei", "MF": "Saint Martin", "SX": "Sint Maarten", "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands", "FK": "Falkland Islands", "SH": "Saint Helena", "BQ": "Caribbean Netherlands",
    "XK": "Kosovo",
    "CS": "Serbia and Montenegro", "AN": "Netherlands Antilles", "YU": "Yugoslavia", "SU": "Soviet Union",
}
