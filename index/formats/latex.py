"""LaTeX formulas as text a reader can quote: ``\\frac{a}{b} \\leq x_i^2`` reads "a/b ≤ xᵢ²".

A page shows ``$A = \\pi r^2$`` rendered as "A = πr²"; left as source, a quoted passage
holds ``\\frac{a}{b}`` and ``\\text{...}`` runs, and Markdown rules read its ``_``, ``*``
and ``{i=1}`` as emphasis and attribute lists. Each formula becomes one readable unit:
Greek letters and operators as their symbols, simple sub- and superscripts as Unicode
(``r²``, ``xᵢ``), fractions as ``a/b``, ``\\text{...}`` as its words. Inline formulas
(``$...$`` as Pandoc reads them, so "$5 en $10" stays money, and ``\\( ... \\)``) stay in
their sentence; display formulas are :mod:`.formulas`' work.
"""
from __future__ import annotations

import re

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "equiv": "≡", "sim": "~", "propto": "∝", "infty": "∞", "sum": "Σ",
    "prod": "Π", "int": "∫", "partial": "∂", "nabla": "∇", "to": "→", "rightarrow": "→", "Rightarrow": "⇒",
    "leftarrow": "←", "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔", "implies": "⇒",
    "iff": "⇔", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "cup": "∪",
    "cap": "∩", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧", "lor": "∨",
    "vee": "∨", "emptyset": "∅", "varnothing": "∅", "ldots": "…", "cdots": "⋯", "dots": "…", "degree": "°",
    "circ": "∘", "langle": "⟨", "rangle": "⟩", "mid": "|", "vert": "|", "lvert": "|", "rvert": "|",
    "lbrace": "{", "rbrace": "}", "percent": "%", "cdotp": "·", "prime": "′",
}
_SPACING = frozenset({"quad", "qquad", "space", "enspace", "thinspace", "medspace", "thickspace"})
_SIZING = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                     "displaystyle", "textstyle", "limits", "nolimits", "nonumber", "notag", "label", "tag"})
_ACCENTS = {"bar": "\u0304", "overline": "\u0305", "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303",
            "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}  # combining marks: x̄, x̂
_LARGE_OPERATORS = frozenset({"sum", "prod", "int"})  # "1/n Σxᵢ", not "1/nΣxᵢ"
_SPACE_BEFORE_SEMICOLON = re.compile(r"\s+;")
_FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ")
_SUPERSCRIPT_CHARS = frozenset("0123456789+-=()ni")
_SUBSCRIPT_CHARS = frozenset("0123456789+-=()aeoxhklmnpstij")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?|\\(.)")
_ONE_TERM = re.compile(r"[^\s+\-−*/=<>·×±;]+")


def _group(src: str, at: int) -> tuple[str, int]:
    """The argument at ``at``: a braced group (without its braces) or one character; and the index after it."""
    while at < len(src) and src[at] == " ":
        at += 1
    if at >= len(src):
        return "", at
    if src[at] != "{":
        command = _COMMAND.match(src, at)
        if command:
            return command.group(0), command.end()
        return src[at], at + 1
    depth = 0
    for end in range(at, len(src)):
        depth += {"{": 1, "}": -1}.get(src[end], 0)
        if depth == 0:
            return src[at + 1:end], end + 1
    return src[at + 1:], len(src)


def _script(text: str, mark: str) -> str:
    """A sub- or superscript in Unicode when every character has a form, else ``^(…)``/``_(…)``."""
    chars, table = (_SUPERSCRIPT_CHARS, _SUPERSCRIPT) if mark == "^" else (_SUBSCRIPT_CHARS, _SUBSCRIPT)
    compact = text.replace(" ", "")
    if compact and set(compact) <= chars:
        return compact.translate(table)
    return f"{mark}{compact}" if len(compact) == 1 else f"{mark}({text})"


def _operand(text: str) -> str:
    """A fraction's numerator or denominator, bracketed when it is more than one term."""
    return text if _ONE_TERM.fullmatch(text) else f"({text})"


def readable(src: str) -> str:
    """A LaTeX formula as readable text: ``\\frac{a}{b} \\leq x_i^2`` -> ``a/b ≤ xᵢ²``."""
    out: list[str] = []
    at = 0
    while at < len(src):
        char = src[at]
        command = _COMMAND.match(src, at) if char == "\\" else None
        if command is not None:
            text, at = _command(command, src)
            out.append(text)
        elif char in "^_":
            argument, at = _group(src, at + 1)
            out.append(_script(readable(argument), char))
        else:
            out.append(" " if char == "~" else "" if char in "{}&" else char)  # ~: a space; & aligns
            at += 1
    return _SPACE_BEFORE_SEMICOLON.sub(";", " ".join("".join(out).split())).strip(" ;")


def _command(command: re.Match[str], src: str) -> tuple[str, int]:
    """What the command ``command`` (with its arguments in ``src``) shows, and the index after it."""
    name, at = command.group(1), command.end()
    if name is None:  # \\ (a new line), \, \; (spacing), \{ \% (a character)
        symbol = command.group(2)
        return ("; " if symbol == "\\" else " " if symbol in ",;:! " else symbol), at
    if name in _FRACTIONS:
        numerator, at = _group(src, at)
        denominator, at = _group(src, at)
        return f"{_operand(readable(numerator))}/{_operand(readable(denominator))}", at
    if name == "sqrt":
        if src[at:at + 1] == "[":
            at = src.find("]", at) + 1 or len(src)
        argument, at = _group(src, at)
        return f"√{_operand(readable(argument))}", at
    if name in _SYMBOLS:
        return (f" {_SYMBOLS[name]}" if name in _LARGE_OPERATORS else _SYMBOLS[name]), at
    if name in _SPACING:
        return " ", at
    if name in _SIZING or name in {"begin", "end"}:
        return "", (_group(src, at)[1] if name in {"label", "tag", "begin", "end"} else at)
    if name in _ACCENTS:
        argument, at = _group(src, at)
        words = readable(argument)
        return (words + _ACCENTS[name] if len(words) == 1 else words), at
    if src[at:at + 1] == "{":  # \text{...}, \mathrm{...}, \mathbb{R}: the argument as written
        argument, at = _group(src, at)
        words = readable(argument)
        return (f" {words} " if name.startswith("text") or name in {"mbox", "operatorname"} else words), at
    return name, at  # \log, \sin, \max, an unknown command: its name


# --- inline formulas ----------------------------------------------------------------------------

# Pandoc's rule: the opening $ has a non-space after it, the closing one a non-space before it
# and no digit after it, so "$5 en $10" is no formula.
_DOLLARS = re.compile(r"(?<![\\$\w])\$(?![\s$])((?:\\.|[^$\\\n])+?)(?<![\s\\])\$(?![\d$])")
_DOUBLE_DOLLARS = re.compile(r"\$\$(?!\s*\$)(.+?)\$\$")  # a display formula written inside a sentence
_PARENTHESES = re.compile(r"\\\((.+?)\\\)")
_MATH_SIGN = re.compile(r"\\[A-Za-z]+|[\^_=<>+]|\d\s*[-*/]\s*\d")
_SYMBOL_ONLY = re.compile(r"[A-Za-z]|\d+")


def inline_formulas(text: str) -> str:
    """``$...$`` and ``\\( ... \\)`` in a line as readable text; other dollars and escaped
    parentheses stay (a formula has a math sign, or is a lone symbol between dollars)."""
    def dollars(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        return readable(inner) if _MATH_SIGN.search(inner) or _SYMBOL_ONLY.fullmatch(inner) else match.group(0)

    def parentheses(match: re.Match[str]) -> str:
        return readable(match.group(1)) if _MATH_SIGN.search(match.group(1)) else match.group(0)

    if "$" in text:
        text = _DOLLARS.sub(dollars, _DOUBLE_DOLLARS.sub(lambda m: readable(m.group(1)), text))
    return _PARENTHESES.sub(parentheses, text) if "\\(" in text else text
