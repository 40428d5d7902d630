"""How each trial registry writes its identifiers: one pattern per registry, as data.

Each pattern matches a whole identifier (case-insensitive) and names, in group `id`, the part that identifies the
trial across spellings: `EUCTR2014-003865-11-NL`, `2014-003865-11` and `EudraCT 2014-003865-11` are one EudraCT
number; `JPRN-jRCT2071210009` and `jRCT2071210009` one jRCT number. Order matters where formats nest: a CTIS number
(`2023-507385-11-00`) is tried before a EudraCT number (`2023-507385-11`). WHO's Universal Trial Number
(`U1111-…`) and sponsors' protocol numbers match no registry.
Sources: WHO ICTRP primary registries (who.int/tools/clinical-trials-registry-platform/network/primary-registries)
and the identifier formats each registry documents.
"""
from __future__ import annotations

from schemas.vocabularies import Registry

# (registry, pattern of a whole identifier with the trial-identifying part as group `id`)
REGISTRY_ID_PATTERNS: tuple[tuple[Registry, str], ...] = (
    (Registry.CTGOV, r"(?P<id>NCT\d{8})"),
    (Registry.CTIS, r"(?:CTIS|EU\s*CT(?:\s*(?:number|no\.?))?:?\s*)?(?P<id>\d{4}-5\d{5}-\d{2}-\d{2})"),
    (Registry.EUCTR, r"(?:EUCTR|EudraCT(?:[\s-]*(?:number|no\.?))?:?\s*)?(?P<id>(?:19|20)\d{2}-\d{6}-\d{2})"
                     r"(?:-(?:[A-Z]{2}|3RD|Outside-EU/EEA))?"),
    (Registry.ISRCTN, r"(?P<id>ISRCTN\d{8})"),
    (Registry.DRKS, r"(?P<id>DRKS\d{8})"),
    (Registry.JPRN, r"(?:JPRN-)?(?P<id>jRCT[a-z\d]\d{9}|UMIN\d{9}|JapicCTI-\d{6}|JMA-IIA\d{5})"),
    (Registry.CHICTR, r"(?P<id>ChiCTR(?:-[A-Z]{2,4}-)?\d{8,10})"),
    (Registry.ANZCTR, r"(?P<id>ACTRN\d{14})"),
    (Registry.CTRI, r"(?P<id>CTRI/\d{4}/\d{2,3}/\d{6})"),
    (Registry.IRCT, r"(?P<id>IRCT\d{8,14}N\d{1,3})"),
    (Registry.CRIS, r"(?P<id>KCT\d{7})"),
    # NL-OMON, the Netherlands Trial Register (`NTR1234`, `NL7345`) and the CCMO's ABR file number (`NL73848.000.21`)
    (Registry.NL_OMON, r"(?P<id>NL-OMON\d+|NTR\d{2,5}|NL\d{5}\.\d{3}\.\d{2}|NL\d{1,5})"),
    (Registry.REBEC, r"(?P<id>RBR-[0-9a-z]{6,8})"),
    (Registry.PACTR, r"(?P<id>PACTR\d{15,16})"),
    (Registry.RPCEC, r"(?P<id>RPCEC\d{8})"),
    (Registry.SLCTR, r"(?P<id>SLCTR/\d{4}/\d{3})"),
    (Registry.TCTR, r"(?P<id>TCTR\d{11})"),
    (Registry.LBCTR, r"(?P<id>LBCTR\d{10})"),
    (Registry.ITMCTR, r"(?P<id>ITMCTR\d{10,13})"),
    (Registry.REPEC, r"(?P<id>PER-\d{3}-\d{2})"),
)

# ICTRP's `Source_Register` names → registry.
SOURCE_REGISTER_NAMES: dict[str, Registry] = {
    "CLINICALTRIALS.GOV": Registry.CTGOV, "EU CLINICAL TRIALS REGISTER": Registry.EUCTR, "EUCTR": Registry.EUCTR,
    "CTIS": Registry.CTIS, "EU CTR": Registry.EUCTR, "ISRCTN": Registry.ISRCTN, "GERMAN CLINICAL TRIALS REGISTER": Registry.DRKS,
    "DRKS": Registry.DRKS, "JPRN": Registry.JPRN, "JRCT": Registry.JPRN, "CHICTR": Registry.CHICTR,
    "ANZCTR": Registry.ANZCTR, "CTRI": Registry.CTRI, "IRCT": Registry.IRCT, "CRIS": Registry.CRIS,
    "NETHERLANDS TRIAL REGISTER": Registry.NL_OMON, "NTR": Registry.NL_OMON, "NL-OMON": Registry.NL_OMON,
    "REBEC": Registry.REBEC, "PACTR": Registry.PACTR, "RPCEC": Registry.RPCEC, "SLCTR": Registry.SLCTR,
    "TCTR": Registry.TCTR, "LBCTR": Registry.LBCTR, "ITMCTR": Registry.ITMCTR, "REPEC": Registry.REPEC,
    # the registries' own names, as ICTRP exports spell some of them
    "CLINICAL TRIALS INFORMATION SYSTEM": Registry.CTIS, "ISRCTN REGISTRY": Registry.ISRCTN,
    "JAPAN PRIMARY REGISTRIES NETWORK": Registry.JPRN, "CHINESE CLINICAL TRIAL REGISTRY": Registry.CHICTR,
    "AUSTRALIAN NEW ZEALAND CLINICAL TRIALS REGISTRY": Registry.ANZCTR,
    "CLINICAL TRIALS REGISTRY - INDIA": Registry.CTRI, "IRANIAN REGISTRY OF CLINICAL TRIALS": Registry.IRCT,
    "CLINICAL RESEARCH INFORMATION SERVICE": Registry.CRIS, "BRAZILIAN CLINICAL TRIALS REGISTRY": Registry.REBEC,
    "PAN AFRICAN CLINICAL TRIAL REGISTRY": Registry.PACTR, "CUBAN PUBLIC REGISTRY OF CLINICAL TRIALS": Registry.RPCEC,
    "SRI LANKA CLINICAL TRIALS REGISTRY": Registry.SLCTR, "THAI CLINICAL TRIALS REGISTRY": Registry.TCTR,
    "LEBANESE CLINICAL TRIALS REGISTRY": Registry.LBCTR, "PERUVIAN CLINICAL TRIALS REGISTRY": Registry.REPEC,
    "INTERNATIONAL TRADITIONAL MEDICINE CLINICAL TRIAL REGISTRY": Registry.ITMCTR,
}
