"""XML read safely, for the layouts that are XML exports: defusedxml refuses entity-expansion and external-entity
tricks, and every way a document can fail becomes a typed ParseError saying which part failed and why."""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from transforms.errors import ParseError

# A text that opens like markup: a declaration, comment, doctype or element.
MARKUP_HEAD = re.compile(r"\A\s*<[?!A-Za-z]")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,200}\?>")


def parse_xml(text: str, source: str, layout: str, part: str = "xml") -> Element:
    """The root element of an (already decoded) XML text; ParseError naming `part` when it cannot be read."""
    # The text is already decoded: drop the declaration so its `encoding=` cannot contradict the str we hold.
    body = _XML_DECLARATION.sub("", text, count=1)
    try:
        return fromstring(body)
    except XMLSyntaxError as exc:
        raise ParseError(source, layout, part, f"malformed XML: {exc}") from None
    except DefusedXmlException as exc:
        raise ParseError(source, layout, part, f"refused unsafe XML construct: {exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. invalid characters expat rejects late
        raise ParseError(source, layout, part, f"unreadable XML: {exc}") from None
