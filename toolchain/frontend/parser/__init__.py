"""A recursive-descent parser for the Dafny a hardware front end needs to read.

It reads whole files written for Dafny 2.x or Dafny 4: executable code in depth (the subset that
can become hardware and the constructs we must diagnose), specifications in full expression syntax
so ranges can be read from preconditions and invariants. Declarations it does not need to look
inside (datatypes, class fields, imports) are recorded with their extent. A declaration that does
not parse becomes a parse error and the parser resumes at the next declaration.

The grammar is one class chain, a module per level: `core` (token cursor, errors), `types`,
`primaries`, `expressions`, `statements`, `declarations` (the `Parser` and the entry points).
"""

from toolchain.frontend.parser.core import SPEC_KEYWORDS, ParseError
from toolchain.frontend.parser.declarations import Parser, parse_expression, parse_program

__all__ = ["SPEC_KEYWORDS", "ParseError", "Parser", "parse_expression", "parse_program"]
