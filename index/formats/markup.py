"""Remove markup from Markdown text: mkdocs macros, comments, inline HTML, inline syntax.

Block structure (headings, lists, tables) is handled in :mod:`index.formats.markdown`;
this module only rewrites text so that what is left is what a reader sees: link text
without the URL, no emphasis markers, images only by an alt text that describes them, no
template code.
"""
from __future__ import annotations

import html
import itertools
import re
from typing import Callable

from index.clean import normalize_characters

from .latex import inline_formulas
from .scopes import HeadingScopes

# --- attribute lists (mkdocs attr_list, Docusaurus heading ids) -------------------------

_ATTR_TOKEN = r"""(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s{}"']+))"""
_ATTR_FIRST = rf"(?::\s*(?:{_ATTR_TOKEN}|[\w-]+)|{_ATTR_TOKEN}|data-[\w-]+)"
ATTR_LIST = re.compile(rf"\{{\s*{_ATTR_FIRST}(?:\s+(?:{_ATTR_TOKEN}|[\w-]+))*\s*\}}")
_SEARCH_EXCLUDE = re.compile(r"(?<![\w-])data-search-exclude(?![\w-])")
_TRAILING_ATTR_LIST = re.compile(rf"\s*({ATTR_LIST.pattern})\s*$")


def split_attr_list(line: str) -> tuple[str, str]:
    """``("## Kop", "{ data-search-exclude }")`` for a line ending in an attribute list."""
    match = _TRAILING_ATTR_LIST.search(line)
    if not match:
        return line, ""
    return line[: match.start()], match.group(1)


def excluded_from_search(attr_list: str) -> bool:
    """True for an attribute list that carries ``data-search-exclude`` (mkdocs Material)."""
    return bool(_SEARCH_EXCLUDE.search(attr_list))


def is_attr_list(line: str) -> bool:
    """A line that is nothing but an attribute list (attr_list's block syntax)."""
    return bool(ATTR_LIST.fullmatch(line.strip()))


# --- template code and comments (run on raw text, may span lines) ---------------------

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


# ReSpec (the specifications of Logius, Geonovum, W3C) links terms with shorthands that render
# as the term itself: {{Register}} (IDL; {{Window/event}} shows "event"), [=term=] and
# [=term|shown text=]. Template engines write {{ variable }} with spaces, or start with a dot or
# sigil ({{.Title}}, {{< ref >}}), so only an identifier tight against the braces is ReSpec's.
_RESPEC_IDL = re.compile(r"\{\{([A-Za-z_][\w-]*(?:/[\w-]+(?:\(\))?)*)(?:\|([^{}|\n]+))?\}\}")
_RESPEC_TERM = re.compile(r"\[=\s*([^\[\]=|\n]+?)\s*(?:\|\s*([^\[\]=|\n]+?)\s*)?=\]")


def respec_shorthands(text: str) -> str:
    """ReSpec's term links as the words they render: "Een {{Dataverwerking}} bestaat uit ..."
    keeps its subject, which template removal would otherwise cut out."""
    text = _RESPEC_IDL.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text)
    return _RESPEC_TERM.sub(lambda m: m.group(2) or m.group(1), text)


def remove_template_code(text: str) -> str:
    """Drop mkdocs/Jinja macros (``{{ ... }}``, ``{% ... %}``, ``{# ... #}``) and HTML comments.

    Macros render to content we cannot reproduce; leaving them in would put template
    code into answers. ReSpec's term shorthands are not macros: they become their term
    (:func:`respec_shorthands`). What Jekyll's ``{% raw %} ... {% endraw %}`` encloses is
    literal text the page shows (``Bearer {{ token }}``): only the two tags go.
    """
    parts = _RAW.split(text)  # odd parts: the content of a Liquid {% raw %} block, shown as written
    return "".join(part if odd else _TEMPLATE.sub("", respec_shorthands(_COMMENT.sub("", part)))
                   for odd, part in zip(itertools.cycle((False, True)), parts))


# --- block-level HTML embedded in Markdown --------------------------------------------

_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|button|svg|noscript|template|iframe)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)
# Form controls (the options of a filter, a search form) are no text to read, as on an HTML page
# (html_page._SKIPPED); lower case only, as <Select> or <Form> is a JSX component of the page.
_FORM_ELEMENTS = re.compile(r"<(select|form)\b[^>]*>.*?</\1\s*>", re.DOTALL)
# Navigation written into a page: <nav>, an element with role="navigation", or a box whose class
# names it navigation ("sub-navigation-wrapper", "breadcrumb", "pagination"). It holds the links to
# sibling pages a site's menu shows (tabs above a Hugo chapter), no text of the page itself.
# Lower-case elements only: <Nav> is a JSX component of the page.
_NAV_ROLE = re.compile(r"""\brole=["']navigation["']""", re.IGNORECASE)
_CLASS_ATTR = re.compile(r"""\bclass=["']([^"']*)["']""", re.IGNORECASE)
_NAV_CLASS_PARTS = frozenset({"nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "pagination"})


# <a class="md-button">, <a class="action-button">, <a class="btn btn-primary">: a link styled as a
# button, which becomes the Markdown button it renders like ([Tekst](url){ .button }), so the
# block parser drops it (and reports it) where it stands alone, and keeps its words in a sentence.
_BUTTON_LINK = re.compile(
    r"""<a\b(?=[^<>]*\bclass=["'][^"']*(?:button|\bbtn\b))([^<>]*)>(.*?)</a\s*>""", re.DOTALL | re.IGNORECASE
)
# A button component (Starlight <LinkButton href="/start/">Begin</LinkButton>, <Button>): a button too.
_BUTTON_COMPONENT = re.compile(r"<(LinkButton|Button)\b([^<>]*)>(.*?)</\1\s*>", re.DOTALL)
_HREF = re.compile(r"""\bhref=["']([^"'\s()]*)["']""", re.IGNORECASE)
_HEADING_ELEMENT = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_LIST_ITEM_START = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_ROW_END = re.compile(r"</tr\s*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TABLE_ROW_LINE = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|section|article|main|ul|ol|li|table|thead|tbody|tfoot|tr|blockquote|details|summary"
    r"|figure|figcaption|dl|dt|dd|hr|aside|nav|header|footer|pre|form|fieldset|center)\b[^>]*>",
    re.IGNORECASE,
)
# A JSX component's caption (Docusaurus <TabItem label="Gemeente">, NL Design System
# <Guideline title="Gebruik ...">, Starlight <Aside title="Let op">): text the reader sees above
# the component's content, as a mkdocs content tab's or admonition's title is. A component that
# links elsewhere (a card with href=) is navigation: its caption names another page.
_COMPONENT = re.compile(r"<[A-Z][\w.]*\b[^<>]*>")
_CAPTION_ATTR = re.compile(r"""\b(?:title|label|summary|heading|caption)=(?:"([^"]*)"|'([^']*)')""")
_LINK_ATTR = re.compile(r"\b(?:href|to|link)=")
# Design-system "do / don't" blocks (<Guideline appearance="dont" title="Gebruik een link als knop">):
# the verdict is only in an attribute, and without it a "don't" reads as advice.
_VERDICT_ATTR = re.compile(r"""\b(?:appearance|variant|type|kind|status)=["']([\w' -]+)["']""", re.IGNORECASE)
_DO = frozenset({"do", "doen", "wel", "weldoen", "correct", "good"})
_DONT = frozenset({"dont", "donot", "niet", "nietdoen", "incorrect", "bad", "wrong"})


def _verdict(tag: str) -> str | None:
    """"Wel doen" or "Niet doen" for a do/don't block ("dont", "don't", "do-not" alike), else None."""
    found = _VERDICT_ATTR.search(tag)
    value = re.sub(r"[\s'-]", "", found.group(1).lower()) if found else ""
    return "Wel doen" if value in _DO else "Niet doen" if value in _DONT else None


# API reference fields (Mintlify <ParamField query="status" type="string" required>, <ResponseField
# name="id">): the field's name is only in an attribute, and its description means nothing without it.
_FIELD_COMPONENT = re.compile(r"<(?:ParamField|ResponseField|Field|Property)\b([^<>]*)>")
_FIELD_NAME = re.compile(r"""\b(?:name|path|query|body|header|param)=(?:"([^"]*)"|'([^']*)')""")
_FIELD_TYPE = re.compile(r"""\btype=(?:"([^"]*)"|'([^']*)')""")
_REQUIRED = re.compile(r"""\brequired\b(?!\s*=\s*[{"']?\s*false)""")


def _field_caption(attrs: str) -> str:
    """An API field's caption: "status (string, verplicht)"."""
    name = _FIELD_NAME.search(attrs)
    if not name:
        return ""
    kind = _FIELD_TYPE.search(attrs)
    details = [kind.group(1) or kind.group(2)] if kind and (kind.group(1) or kind.group(2)) else []
    details += ["verplicht"] if _REQUIRED.search(attrs) else []
    text = name.group(1) or name.group(2) or ""
    return f"{text} ({', '.join(details)})" if details and text else text


def _captioned(component: re.Match[str]) -> str:
    """The component's tag, preceded by its caption as a paragraph of its own (if it has one).

    A self-closing component (``<StepVocabulary label="Core step vocabulary"/>``) renders content the
    page does not hold (a generated table, a widget): its caption would stand as a lone label over
    nothing, so it goes, unless it is a description of 8 words or more (as an image's alt text is) or
    carries a verdict ("Niet doen: ...")."""
    tag = component.group(0)
    field = _FIELD_COMPONENT.match(tag)
    if field and _field_caption(field.group(1)):
        return f"\n\n{_field_caption(field.group(1))}\n\n{tag}"
    caption = _CAPTION_ATTR.search(tag)
    if not caption or _LINK_ATTR.search(tag):
        return tag
    text = caption.group(1) or caption.group(2) or ""
    label = _verdict(tag)
    if tag.endswith("/>") and not label and len(text.split()) < MIN_DESCRIPTION_WORDS:
        return tag
    return f"\n\n{label + ': ' + text if label else text}\n\n{tag}"


# A card that links another page (Mintlify <Card title="Aanvragen" href="/aanvragen">tekst</Card>, a
# Docusaurus <DocCard>): navigation, title and teaser alike, as a Hugo card with a link or a GitBook
# content-ref; the page it links holds the text.
_LINK_CARD = re.compile(r"<(?P<name>(?:[A-Z][\w.]*)?Card)\b(?P<attrs>[^<>]*)(?<!/)>(?P<body>.*?)</(?P=name)\s*>", re.DOTALL)


def _without_link_card(card: re.Match[str]) -> str:
    """Nothing for a card that links elsewhere (a paragraph break in its place); other cards stay."""
    return "\n\n" if _LINK_ATTR.search(card.group("attrs")) else card.group(0)


# Tab sets that name their tabs, not the tabs themselves: Nextra <Tabs items={['Inwoner', 'Ondernemer']}>
# <Tabs.Tab>...: the n-th tab shows the n-th item; Docusaurus (older pages) <Tabs values={[{label: 'Inwoner',
# value: 'inwoner'}]}> <TabItem value="inwoner">: a tab shows the label of its value.
_JSX_TAB_TAG = re.compile(r"<Tabs(?![\w.])(?P<set>[^<>]*)>|</Tabs\s*>|<(?:Tabs\.Tab|TabItem|Tab)\b(?P<tab>[^<>]*?)/?>")
_JSX_TAB_ITEMS = re.compile(r"\bitems=\{\s*\[(?P<items>[^\]]*)\]\s*\}")
_QUOTED_ITEM = re.compile(r"""["'`]([^"'`]*)["'`]""")
_JSX_TAB_VALUES = re.compile(r"\bvalues=\{\s*\[(?P<values>[^\]]*)\]\s*\}")
_VALUE_LABEL = re.compile(r"""\{([^{}]*)\}""")
_OBJECT_FIELD = re.compile(r"""\b(label|value)\s*:\s*(["'`])(.*?)\2""")
_TAB_VALUE = re.compile(r"""\bvalue=["']([^"']*)["']""")


def _labels_by_value(values: str) -> dict[str, str]:
    """``{label: 'Inwoner', value: 'inwoner'}, ...`` as {"inwoner": "Inwoner", ...}."""
    labels: dict[str, str] = {}
    for entry in _VALUE_LABEL.findall(values):
        fields = {name: text for name, _, text in _OBJECT_FIELD.findall(entry)}
        if fields.get("value") is not None and fields.get("label"):
            labels[fields["value"]] = fields["label"]
    return labels


class JsxTabTitles:
    """Give each tab of a tab set that names its tabs (see above) its title, as a ``title=`` caption.

    Used on the page's lines in order (a tab may hold a code fence, so one set spans several
    chunks between fences); a tab with a title of its own keeps it.
    """

    def __init__(self) -> None:
        # per open tab set: the titles its next tabs take in order, and the titles by tab value
        self.sets: list[tuple[list[str], dict[str, str]]] = []

    def rewrite(self, text: str) -> str:
        return _JSX_TAB_TAG.sub(self._tag, text) if "<Tab" in text or "</Tabs" in text else text

    def _tag(self, match: re.Match[str]) -> str:
        tag = match.group(0)
        if match.group("set") is not None:
            items = _JSX_TAB_ITEMS.search(match.group("set"))
            values = _JSX_TAB_VALUES.search(match.group("set"))
            self.sets.append((_QUOTED_ITEM.findall(items.group("items")) if items else [],
                              _labels_by_value(values.group("values")) if values else {}))
            return tag
        if tag.startswith("</"):
            if self.sets:
                self.sets.pop()
            return tag
        title = self._title(match.group("tab"))
        if _CAPTION_ATTR.search(tag) or not title.strip():
            return tag
        return f'{tag[:match.start("tab") - match.start()]}{match.group("tab")} title="{title}">'

    def _title(self, attrs: str) -> str:
        """The title the open set gives the tab with these attributes ("" when it gives none)."""
        if not self.sets:
            return ""
        in_order, by_value = self.sets[-1]
        value = _TAB_VALUE.search(attrs)
        if by_value and value:
            return by_value.get(value.group(1), "").replace('"', "'")
        return in_order.pop(0).replace('"', "'") if in_order else ""


# A count-up figure (<span class="counter" data-count="342">0</span>, PureCounter data-purecounter-end):
# the page shows the attribute's number once a script has counted up to it; the "0" in the source is a
# placeholder that would state a false fact ("0 gemeenten zijn aangesloten").
_COUNTER = re.compile(
    r"""<(?P<tag>[A-Za-z][\w-]*)\b[^<>]*?\bdata-(?:[\w-]*-)?(?:count|countup|target|to|end|number|value)="""
    r"""["']\s*(?P<value>-?\d[\d.,]*)\s*["'][^<>]*>\s*[\d.,]*\s*</(?P=tag)\s*>""",
    re.IGNORECASE,
)
# VitePress/VuePress <Badge text="beta" />: the badge shows its text.
_BADGE = re.compile(r"<Badge\b[^<>]*?\btext=(?:\"([^\"]*)\"|'([^']*)')[^<>]*>")
# "<docs.example.nl>": no scheme, so no autolink, and a dot makes it no tag name: shown as written.
_BARE_HOST = re.compile(r"<((?:[a-z0-9-]+\.)+(?:nl|eu|com|org|net|info|io|be|de)(?:/[^<>\s]*)?)>", re.IGNORECASE)
# An escaped "\<" is a literal "<" (CommonMark), never the start of a tag: "met een #\<nummer>".
_ANY_TAG = re.compile(r"(?<!\\)(?:</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>|<[A-Za-z][\w:-]*=[^<>]*>)")  # <Tabs.Tab>: JSX
# MDX live examples wrap markup in a JSX expression: "{() => (", "<>", ..., "</>", ")}".
_JSX_FRAGMENT = re.compile(r"</>\s*\)\s*\}|</?>")  # "</> )}" closes a one-line live example
_JSX_ARROW = re.compile(r"\{\s*\([^()\n]*\)\s*=>\s*\(?")
# MDX expressions in text: {" "} is a space, {frontMatter.version} a value we do not have.
_JSX_SPACE = re.compile(r"""\{\s*(?:"\s*"|'\s*')\s*\}""")
_JSX_CLOSE_LINE = re.compile(r"^[ \t]*\)?[ \t]*\}[ \t]*$", re.MULTILINE)
# A render function that only shows a component ({() => <Kaart />}, Docusaurus <BrowserOnly>): no text.
_JSX_RENDER = re.compile(r"\{\s*\([^()\n]*\)\s*=>\s*<[A-Za-z][^<>{}]*/>\s*\}")
# An MDX expression that calls code ({new Date().getFullYear()}, {formatDate(besluit.datum)}) computes a
# value only the browser knows; a string literal ({'tekst'}) shows that text. Not inside {{ }} (templates)
# nor as an attribute's value (as={"h2"}: the tag rules read those).
_JS_CALL = re.compile(
    r"(?<![{=])\{\s*(?:new\s+)?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\s*\((?:[^(){}\n]|\([^(){}\n]*\))*\)"
    r"(?:\s*\.[A-Za-z_$][\w$]*(?:\s*\((?:[^(){}\n]|\([^(){}\n]*\))*\))?)*\s*\}(?!\})"
)
# A member access ({data.length}, {frontMatter.version}, {items[0].naam}) is a value the page computes
# too; a bare name ({uuid}) is kept, as in a path "/zaken/{uuid}".
_JS_MEMBER = re.compile(r"(?<![{=])\{\s*[A-Za-z_$][\w$]*(?:\[\d+\])?(?:\??\.[A-Za-z_$][\w$]*(?:\[\d+\])?)+\s*\}(?!\})")
# A removed expression with the blanks before it: the hole it leaves is closed (see _closed_hole).
_JS_VALUE = re.compile(rf"[ \t]*(?:{_JS_CALL.pattern}|{_JS_MEMBER.pattern})")
_HOLE_END = frozenset(" \t\n.,;:!?)")
_JS_STRING = re.compile(r"""(?<![{=])\{\s*(["'`])([^"'`{}\n]*)\1\s*\}(?!\})""")

# --- example markup: headings that are not the page's ------------------------------------

_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][\w.:-]*)((?:\s[^<>]*)?)>")
_VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})
# Elements whose content shows markup or a rendered example rather than the page's own structure.
_EXAMPLE_ELEMENTS = frozenset({"pre", "code", "xmp", "textarea", "samp", "template", "kbd"})
_EXAMPLE_CLASS = re.compile(r"""\bclass(?:Name)?=["'][^"']*\b(?:example|voorbeeld|demo|preview)""", re.IGNORECASE)
# <pre>, <xmp> and Docusaurus' <CodeBlock language="bash">: code, whatever Markdown it seems to hold;
# so are <code>, <samp> and <textarea> when they span lines (on one line they are words of a sentence).
_PRE_ELEMENT = re.compile(r"<(pre|xmp|CodeBlock|code|samp|textarea)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_INLINE_UNLESS_MULTILINE = frozenset({"code", "samp", "textarea"})
_CLASS_WORD = re.compile(r"""\b(?:class|language)=["']\s*(?:language-)?([\w+-]+)""", re.IGNORECASE)
_TEMPLATE_LITERAL = re.compile(r"\A\s*\{\s*`(.*)`\s*\}\s*\Z", re.DOTALL)  # <CodeBlock>{`npm install`}</CodeBlock>
# <dt>Term</dt><dd>Definitie</dd>: "Term: Definitie", as a Markdown definition list reads.
_TERM = re.compile(r"<dt\b[^>]*>(.*?)</dt\s*>\s*(?:<dd\b[^>]*>)?", re.DOTALL | re.IGNORECASE)
_CODE_ELEMENT = re.compile(r"<code\b[^>]*>([^<`]*)</code\s*>", re.IGNORECASE)
_PRE_MASK = re.compile("\x02(\\d+)\x02")


# Docusaurus' <Heading as="h2">Tekst</Heading> (the OpenAPI docs plugin writes as={"h2"} and
# children={"Tekst"}): an HTML heading in JSX form.
_JSX_HEADING = re.compile(r"<Heading\b(?P<attrs>[^<>]*?)(?:/>|>(?P<inner>.*?)</Heading\s*>)", re.DOTALL)
_HEADING_LEVEL = re.compile(r"""\bas=\{?\s*["']h([1-6])["']""")
_CHILDREN = re.compile(r"""\bchildren=\{?\s*(?:"([^"]*)"|'([^']*)')""")


def _jsx_headings(text: str) -> str:
    """``<Heading as="h2">`` as ``<h2>``, so the heading rules (and the example rule) apply."""
    def html(match: re.Match[str]) -> str:
        level = _HEADING_LEVEL.search(match.group("attrs"))
        if not level:
            return match.group(0)
        children = _CHILDREN.search(match.group("attrs"))
        words = (children.group(1) or children.group(2)) if children else (match.group("inner") or "")
        return f"<h{level.group(1)}>{words}</h{level.group(1)}>"

    return _JSX_HEADING.sub(html, text)


def _shows_example(name: str, attrs: str) -> bool:
    """A JSX component (``<Canvas>``, ``<Example>``), a code element or an element of class
    "example": what it holds is a demonstration, not the page's own outline."""
    return name[:1].isupper() or name.lower() in _EXAMPLE_ELEMENTS or bool(_EXAMPLE_CLASS.search(attrs))


def _page_headings(text: str) -> str:
    """HTML headings as ATX headings, except inside an example, where they are a line of text.

    Design-system and HTML guidance pages show markup (``<Canvas>`` with an ``<h1>`` in it, a
    ``<div class="example">``): taken as headings, those would replace the page's title and
    put every later section under the example's heading. A heading inside a box (a ``<div>``
    of cards) heads only the box: after it the headings in force before it are written again
    (:mod:`.scopes`).
    """
    out: list[str] = []
    scopes = HeadingScopes()  # open elements; a heading inside a box ends with the box
    position = 0
    while (tag := _TAG_TOKEN.search(text, position)) is not None:
        closing, name, attrs = tag.group(1), tag.group(2), tag.group(3)
        heading = None if closing else _HEADING_ELEMENT.match(text, tag.start())
        scopes.text(text, position, tag.start())
        out.append(text[position:tag.start()])
        if heading:
            words = " ".join(_ANY_TAG.sub("", heading.group(2)).split())
            line = f"{'#' * int(heading.group(1))} {words}"
            if not scopes.in_example():
                scopes.heading(int(heading.group(1)), line)
            out.append(f"\n\n{words}\n\n" if scopes.in_example() else f"\n\n{line}\n\n")
            position = heading.end()
            continue
        out.append(tag.group(0))
        position = tag.end()
        if closing:
            out.append(scopes.closed(name.lower()))
        elif not attrs.rstrip().endswith("/") and name.lower() not in _VOID_ELEMENTS:
            scopes.opened(name.lower(), example=_shows_example(name, attrs))
    out.append(text[position:])
    return "".join(out)


def _is_navigation(name: str, attrs: str) -> bool:
    if name == "nav" or _NAV_ROLE.search(attrs):
        return True
    classes = _CLASS_ATTR.search(attrs)
    return bool(classes) and any(
        part in _NAV_CLASS_PARTS for word in classes.group(1).lower().split() for part in re.split(r"[-_]", word)
    )


def _element_end(text: str, name: str, start: int) -> int:
    """Where the element opened just before ``start`` closes (nested ones of its name counted);
    ``start`` itself when it never does."""
    depth = 1
    for tag in _TAG_TOKEN.finditer(text, start):
        if tag.group(2).lower() != name:
            continue
        if tag.group(1):
            depth -= 1
        elif not tag.group(3).rstrip().endswith("/"):
            depth += 1
        if depth == 0:
            return tag.end()
    return start


def _drop_navigation(text: str) -> str:
    """Remove navigation elements written into the page, with the links they hold."""
    out: list[str] = []
    position = 0
    while (tag := _TAG_TOKEN.search(text, position)) is not None:
        name, attrs = tag.group(2), tag.group(3)
        if tag.group(1) or not name.islower() or attrs.rstrip().endswith("/") or not _is_navigation(name, attrs):
            out.append(text[position:tag.end()])
            position = tag.end()
            continue
        out.append(text[position:tag.start()] + "\n")
        position = _element_end(text, name, tag.end())
    out.append(text[position:])
    return "".join(out)


def _mask_preformatted(text: str, blocks: list[str]) -> str:
    """Replace ``<pre>``/``<xmp>`` elements (and code that spans lines) by placeholders for code
    fences of what they show.

    A reader sees their text with the tags rendered away and entities decoded ("&lt;h4&gt;"
    shows as "<h4>"); the fence keeps it as code, so no later rule reads its markup as
    headings or list items. A class such as ``mermaid`` becomes the fence's language.
    """
    def fence(m: re.Match[str]) -> str:
        if m.group(1).lower() in _INLINE_UNLESS_MULTILINE and "\n" not in m.group(3):
            return m.group(0)
        language = _CLASS_WORD.search(m.group(2))
        literal = _TEMPLATE_LITERAL.match(m.group(3))
        shown = literal.group(1).strip("\n") if literal else html.unescape(_ANY_TAG.sub("", m.group(3))).strip("\n")
        blocks.append(f"\n\n```{language.group(1) if language else ''}\n{shown}\n```\n\n")
        return f"\x02{len(blocks) - 1}\x02"

    return _PRE_ELEMENT.sub(fence, text)


_TABLE_ELEMENT = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.DOTALL | re.IGNORECASE)
_ROW_ELEMENT = re.compile(r"<tr\b[^>]*>(.*?)(?:</tr\s*>|(?=<tr\b)|\Z)", re.DOTALL | re.IGNORECASE)
_CELL_ELEMENT = re.compile(r"<(t[hd])\b([^>]*)>(.*?)(?:</t[hd]\s*>|(?=<t[hd]\b)|\Z)", re.DOTALL | re.IGNORECASE)
_CAPTION_ELEMENT = re.compile(r"<caption\b[^>]*>(.*?)</caption\s*>", re.DOTALL | re.IGNORECASE)
_SPANNING = re.compile(r"\b(?:col|row)span\s*=", re.IGNORECASE)


def _cell_text(html_cell: str) -> str:
    """A cell's text on one line, with pipes escaped so that it stays one cell."""
    text = _LINE_BREAK.sub(" ", html_cell)
    text = _ANY_TAG.sub("", _CODE_ELEMENT.sub(lambda m: f"`{m.group(1)}`", text))  # code holds no tags
    return " ".join(text.split()).replace("|", "\\|")


def _pipe_table(match: re.Match[str]) -> str:
    """A simple HTML table (header row of ``<th>`` cells, no spanning cells, no nesting) as a
    Markdown pipe table, so each row is read with its column names as a Markdown table's is.
    Any other table is left to the generic tag rules (its rows become lines of text)."""
    inner = match.group(1)
    rows = [_CELL_ELEMENT.findall(row) for row in _ROW_ELEMENT.findall(inner)]
    rows = [row for row in rows if row]
    simple = "<table" not in inner.lower() and not _SPANNING.search(inner)
    if not rows or not simple or any(kind.lower() != "th" for kind, _, _ in rows[0]):
        return match.group(0)
    lines = ["| " + " | ".join(_cell_text(cell) for _, _, cell in row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    caption = _CAPTION_ELEMENT.search(inner)
    title = _cell_text(caption.group(1)).replace("\\|", "|") + "\n\n" if caption else ""
    return "\n\n" + title + "\n".join(lines) + "\n\n"


def _one_line_row(match: re.Match[str]) -> str:
    """A pipe-table row stays one line: a ``<br>`` or a block element in a cell (GitBook writes
    ``<p>Geen<br>kosten</p>`` in cells) is a space, not a line break that ends the row."""
    return _BLOCK_TAG.sub(" ", _LINE_BREAK.sub(" ", match.group(0)))


def _button_link(match: re.Match[str]) -> str:
    """An HTML link styled as a button (or a button component) as the Markdown button it renders like."""
    attrs, content = match.group(match.re.groups - 1), match.group(match.re.groups)
    words = " ".join(_ANY_TAG.sub("", content).split())
    href = _HREF.search(attrs)
    return f"[{words}]({href.group(1) if href and href.group(1) else '#'}){{ .button }}" if words else ""


def _drop_jsx_expressions(text: str) -> str:
    """Remove the JSX around an MDX live example (``{() => (`` ``<>`` ... ``</>`` ``)}``) and
    MDX expressions in text (``{" "}``, ``{frontMatter.version}``, ``{data.length}``,
    ``{new Date().getFullYear()}``, ``{'tekst'}``)."""
    text = _JSX_ARROW.sub("", _JSX_FRAGMENT.sub("", _JSX_RENDER.sub("", text)))
    text = _JSX_SPACE.sub(" ", text)
    if "{" in text:
        text = _JS_STRING.sub(r"\2", _JS_VALUE.sub(_closed_hole, text))
    return _JSX_CLOSE_LINE.sub("", text)


def _closed_hole(match: re.Match[str]) -> str:
    """Nothing for a computed value (we cannot know it), and no space left where it stood before a
    space or punctuation: "Bijgewerkt in {jaar()} door {auteur.naam}." reads "Bijgewerkt in door.",
    not "Bijgewerkt in door ."."""
    following = match.string[match.end():match.end() + 1]
    lead = match.group(0)[:len(match.group(0)) - len(match.group(0).lstrip(" \t"))]
    return "" if not following or following in _HOLE_END else lead


def html_blocks_to_markdown(text: str) -> str:
    """Turn embedded HTML into the Markdown the block parser understands.

    Headings become ATX headings (so they join the heading path) unless they sit in an
    example (:func:`_page_headings`), preformatted elements become code fences, list items
    become ``- `` items, table rows separate lines with ``|`` between cells, other block
    elements become line breaks, images their alt text if it describes them, abbreviations
    are followed by their full words; remaining tags are removed and their text kept.
    """
    preformatted: list[str] = []
    text = _drop_navigation(_FORM_ELEMENTS.sub("", _DROPPED_ELEMENTS.sub("", text)))
    text = _mask_preformatted(text, preformatted)
    text = _TABLE_ELEMENT.sub(_pipe_table, _drop_jsx_expressions(text))
    if "data-" in text:
        text = _COUNTER.sub(lambda m: m.group("value"), text)
    text = _TABLE_ROW_LINE.sub(_one_line_row, text)
    text = _BUTTON_LINK.sub(_button_link, _BUTTON_COMPONENT.sub(_button_link, text))
    text = _BADGE.sub(lambda m: m.group(1) or m.group(2) or "", text)
    if "Card" in text:
        text = _LINK_CARD.sub(_without_link_card, text)
    text = _COMPONENT.sub(_captioned, _IMG_ELEMENT.sub(_img_described, _ABBR_ELEMENT.sub(_expanded, text)))
    text = _page_headings(_jsx_headings(text))
    text = _TERM.sub(lambda m: f"\n\n{' '.join(_ANY_TAG.sub('', m.group(1)).split())}: ", text)
    text = _LIST_ITEM_START.sub("\n- ", text)
    text = _CELL_END.sub(" | ", text)
    text = _ROW_END.sub("\n\n", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", _BARE_HOST.sub(r"\1", text))
    return _PRE_MASK.sub(lambda m: preformatted[int(m.group(1))], text)


# --- inline Markdown (one logical line at a time) -------------------------------------

_BRACKETED = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
_PARENS = r"\((?:[^()]|\([^()]*\))*\)"
_SUBSCRIPT_DIGITS = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")


_CRITIC = re.compile(r"\{(\+\+|--|~~|==|>>)(.*?)(?:\+\+|--|~~|==|<<)\}")


def _accepted(match: re.Match[str]) -> str:
    """CriticMarkup (mkdocs pymdownx.critic) as the text reads once the changes are accepted:
    additions and highlights stay, deletions and comments go, a substitution gives its new text."""
    kind, text = match.group(1), match.group(2)
    if kind == "~~":
        return text.partition("~>")[2]
    return text if kind in {"++", "=="} else ""


def _keys(match: re.Match[str]) -> str:
    """pymdownx.keys ``++ctrl+alt+del++`` as the keys a reader sees: "Ctrl+Alt+Del"."""
    return "+".join(key[:1].upper() + key[1:] for key in match.group(1).split("+"))


def _wiki_heading(match: re.Match[str]) -> str:
    """An Obsidian link to a heading as Obsidian shows it: ``[[Notitie#Kop]]`` reads "Notitie › Kop",
    ``[[#Kop]]`` (a heading of this page) "Kop"; a link to a block (``#^id``) names only its note."""
    parts = [part.strip() for part in match.group(2).split("#") if part.strip() and not part.startswith("^")]
    return " › ".join(([match.group(1).strip()] if match.group(1).strip() else []) + parts)


_INLINE_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_CRITIC, _accepted),  # CriticMarkup {++x++}, {--x--}, {~~a~>b~~}, {==x==}, {>>opmerking<<}
    (re.compile(r"\+\+([\w-]+(?:\+[\w-]+)*)\+\+"), _keys),  # keys ++ctrl+c++
    (re.compile(r"\[\^[^\]\s]+\]"), ""),  # footnote marker [^1]
    # Obsidian/Quartz: an embed ![[kaart.png]] / ![[Notitie#Kop]] shows a file or note we do not
    # have; a comment %%...%% is never shown; a block id " ^b1" ends a paragraph as an anchor
    (re.compile(r"!\[\[[^\[\]\n]+\]\]"), ""),
    (re.compile(r"%%.*?%%"), ""),
    (re.compile(r"\s\^[A-Za-z0-9-]+$"), ""),
    (re.compile(r"(?<=\w)::(?=\s)"), ":"),  # Dataview inline field "Status:: actief" reads "Status: actief"
    (re.compile(r"!" + _BRACKETED + r"(?:" + _PARENS + r"|\[[^\]]*\])"),
     lambda m: image_description(m.group(1), _continues(m))),  # image
    (re.compile(r"\[\s*\](?:" + _PARENS + r")?"), ""),  # left by a removed image: [![alt](img)](img "title")
    (re.compile(_BRACKETED + _PARENS), r"\1"),  # [text](url)
    (re.compile(_BRACKETED + r"\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"<([^@>\s]+@[^@>\s]+\.[a-z]{2,})>", re.IGNORECASE), r"\1"),  # e-mail autolink
    (ATTR_LIST, ""),  # attribute list {target="_blank"}, { data-search-exclude }, {: .class }
    (re.compile(r"\{/\*.*?\*/\}"), ""),  # MDX comment {/* ... */}
    (re.compile(r":(?:material|fontawesome|octicons|simple)-[\w-]+:"), ""),  # mkdocs icon
    (re.compile(r"(?<![^\s(\[]):[a-z0-9_+-]*[a-z][a-z0-9_+-]*:(?=[\s.,;!?)\]]|$)"), ""),  # emoji :warning:
    (re.compile(r"\[\[[^\[\]|\n]+\|([^\[\]\n]+)\]\]"), r"\1"),  # wiki link with its label [[pagina|label]]
    (re.compile(r"(?<!\[)\[\[([^\[\]|#\n]*)#([^\[\]|\n]+)\]\](?!\])"), _wiki_heading),  # wiki link to a heading [[Notitie#Kop]]
    (re.compile(r"\[\[\[?!?#?([^\[\]|]+?)\]\]\]?"), r"\1"),  # ReSpec reference [[RFC2119]], wiki link
    (re.compile(r"\[/?[ibu]\]", re.IGNORECASE), ""),  # BBCode emphasis
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis *x*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # emphasis _x_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), ""),  # struck out: withdrawn text, not the current rule
    (re.compile(r"(==|\^\^)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # mark, insert
    (re.compile(r"~(?<!\\~)(?<!~~)([^~\s]+)~(?!~)"), lambda m: m.group(1).translate(_SUBSCRIPT_DIGITS)),  # H~2~O
    (re.compile(r"\^(?<!\\\^)(?<!\^\^)([^\^\s]+)\^(?!\^)"), lambda m: m.group(1).translate(_SUPERSCRIPT_DIGITS)),  # m^2^
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # backslash escape
    (re.compile(r"\\(?=\s|$)"), ""),  # hard line break "regel\" (CommonMark), joined into the paragraph
)
_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)")
_EXPLICIT_TARGET = re.compile(r"^(?P<text>.*?)\s*<[^<>]+>$")
_NUMBER_PLACEHOLDER = re.compile(r"\s*\{(?:number|name)\}")
# Roles whose content is a label or path: without an explicit title they render as the target's
# title or number, which the page does not hold, so they leave nothing.
_REFERENCE_ROLES = frozenset({"ref", "numref", "eq", "doc", "download", "any", "cite", "cite:p", "cite:t", "footcite"})


def _page_name(target: str) -> str:
    """A page named by its path ({doc}`../aanvragen/kosten-en-termijnen`): the title that path was
    made from ("kosten en termijnen"), standing where the page's title is shown."""
    name = target.strip().rstrip("/").rsplit("/", 1)[-1]
    return " ".join(re.sub(r"\.(?:md|ipynb|rst)$", "", name).replace("-", " ").replace("_", " ").split())


_LABEL_PREFIX = re.compile(r"^[A-Za-z]+:(?=\S)")  # a label's namespace: "sec:aanvragen", "fig:kaart"


def _label_name(label: str) -> str:
    """A section named by its label ({ref}`termijnen-en-kosten`): Sphinx shows the section's title, which
    the label is usually written after, so its words ("termijnen en kosten") stand where the title is shown."""
    return _page_name(_LABEL_PREFIX.sub("", label.strip().lstrip("~!")))


def myst_roles(text: str) -> str:
    """A MyST/Sphinx role as the text it shows: ``{ref}`de stappen <stappen>``` -> "de stappen",
    ``{numref}`Figuur {number} <fig:kaart>``` -> "Figuur", ``{term}`DigiD``` -> "DigiD";
    a page without a title (``{doc}`kosten-en-termijnen```) is named after its path ("kosten en
    termijnen"), a section without one (``{ref}`sec:bezwaar-maken```) after its label ("bezwaar maken");
    another reference without a title (``{eq}`eq:snelheid```) shows nothing we know."""
    def shown(match: re.Match[str]) -> str:
        content = match.group("content").strip()
        explicit = _EXPLICIT_TARGET.match(content)
        if explicit and explicit.group("text"):
            return _NUMBER_PLACEHOLDER.sub("", explicit.group("text"))
        if match.group("name").lower() == "doc":
            return _page_name(content)
        if match.group("name").lower() == "ref":
            return _label_name(content)
        if match.group("name").lower() in _REFERENCE_ROLES:
            return ""
        return content.lstrip("~!")

    return _ROLE.sub(shown, text)


_SPACES = re.compile(r"\s+")
MIN_DESCRIPTION_WORDS = 8  # alt text this long describes a chart or diagram; shorter is a label or file name


def image_description(alt: str, in_sentence: bool = False) -> str:
    """What an image leaves in the text: its alt text when that describes it (accessible
    sites spell out a chart's figures there: "cirkeldiagram ...: niet melden 34%, ..."),
    nothing for a label ("logo", "schema") or a file name. The description is a sentence
    of its own unless the text goes on after it (``in_sentence``)."""
    words = alt.split()
    if len(words) < MIN_DESCRIPTION_WORDS:
        return ""
    text = " ".join(words)
    return text if in_sentence or text.endswith((".", "!", "?")) else text + "."


def _continues(image: re.Match[str]) -> bool:
    """Whether the sentence goes on after the image: lower-case words or punctuation follow."""
    rest = image.string[image.end():].lstrip()
    return bool(rest) and (rest[0].islower() or rest[0] in ",.;:!?)")


_ABBR_ELEMENT = re.compile(r"""<abbr\b[^<>]*?\btitle=(?:"([^"]*)"|'([^']*)')[^<>]*>(.*?)</abbr\s*>""", re.IGNORECASE)


def _expanded(abbr: re.Match[str]) -> str:
    """``<abbr title="Basisregistratie Personen">BRP</abbr>`` as "BRP (Basisregistratie Personen)",
    as a Markdown abbreviation is read: the full words are searchable and quotable."""
    title, shown = " ".join((abbr.group(1) or abbr.group(2) or "").split()), abbr.group(3)
    return f"{shown} ({title})" if title and title.lower() not in shown.lower() else shown


_IMG_ELEMENT = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"""\balt=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _img_described(image: re.Match[str]) -> str:
    """An ``<img>`` as a Markdown image is read: by an alt text that describes it, else nothing."""
    alt = _ALT_ATTR.search(image.group(0))
    return image_description(html.unescape(alt.group(1) or alt.group(2) or ""), _continues(image)) if alt else ""


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MASK = re.compile("\x00(\\d+)\x00")
_TICKS = re.compile(r"`+")


def _misplaced(text: str, opener: tuple[int, int], closer: tuple[int, int]) -> bool:
    """Whether a closing run really opens the next span: the "span" ends in a space and the run is
    glued to the word after it ("zet `aan en `code`": the first backtick was never closed)."""
    content, after = text[opener[1]:closer[0]], text[closer[1]:closer[1] + 1]
    return content[-1:].isspace() and not content[:1].isspace() and after.isalnum()


def _loose(text: str, run: tuple[int, int]) -> bool:
    """A backtick with space on both sides is the character itself ("het teken ` typ je zo"), no opener."""
    before, after = text[run[0] - 1:run[0]] if run[0] else " ", text[run[1]:run[1] + 1] or " "
    return before.isspace() and after.isspace()


def _without_stray_ticks(text: str) -> str:
    """Drop backticks that open no code span: one without a partner, one standing loose between
    spaces, or one that an author forgot to close, which would pair with the opening backtick of a later span and turn the words, links
    and tags between them into "code" (with a stray backtick left after the real span)."""
    if "`" not in text:
        return text
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    rank: list[int] = []  # each run's place among the runs of its length
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        group = by_length.setdefault(end - start, [])
        rank.append(len(group))
        group.append(index)
    stray: set[int] = set()
    i = 0
    while i < len(runs):
        group = by_length[runs[i][1] - runs[i][0]]
        partner = group[rank[i] + 1] if rank[i] + 1 < len(group) else None
        if partner is None or _loose(text, runs[i]) or _misplaced(text, runs[i], runs[partner]):
            stray.add(i)
            i += 1
        else:
            i = partner + 1  # the runs in between are the span's code
    if not stray:
        return text
    kept = [text[:runs[0][0]]]
    for index, (start, end) in enumerate(runs):
        following = runs[index + 1][0] if index + 1 < len(runs) else len(text)
        kept.append(("" if index in stray else text[start:end]) + text[end:following])
    return "".join(kept)


def outside_code_spans(text: str, transform: Callable[[str], str], *, keep_ticks: bool = True) -> str:
    """Apply ``transform`` to the text outside inline code spans; a span stays as written.

    Technical pages name elements and syntax in code ("zet `<th>` om een kopcel",
    "`{{ site.url }}`"): removing tags or template code there cut the words out of the
    sentence. Without ``keep_ticks`` a span is put back without its backticks.
    """
    spans: list[str] = []

    def mask(m: re.Match[str]) -> str:
        spans.append(m.group(0) if keep_ticks else m.group(2))
        return f"\x00{len(spans) - 1}\x00"

    masked = _CODE_SPAN.sub(mask, text)
    if not spans:
        return transform(text)
    return _MASK.sub(lambda m: spans[int(m.group(1))], transform(masked))


def _strip_prose(text: str) -> str:
    if "$" in text or "\\(" in text:
        text = inline_formulas(text)
    text = _ANY_TAG.sub("", text)
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return html.unescape(text)


def strip_inline(text: str) -> str:
    """Remove inline Markdown and HTML from one logical line and normalise characters
    (code spans keep their text, without backticks)."""
    text = outside_code_spans(_without_stray_ticks(myst_roles(text)), _strip_prose, keep_ticks=False)
    text = normalize_characters(text)  # digital text: no OCR repairs (index.clean.looks_like_ocr)
    return _SPACES.sub(" ", text).strip()
