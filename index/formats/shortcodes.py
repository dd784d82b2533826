"""Hugo shortcodes and Liquid tags (Jekyll, GitBook): keep what a reader sees, drop the rest.

Generators other than mkdocs write their widgets as template tags in the Markdown:
Hugo ``{{< alert title="Let op" >}} ... {{< /alert >}}`` and ``{{% details "Titel" %}}``,
GitBook ``{% hint style="info" %} ... {% endhint %}``, ``{% tab title="Gemeente" %}``,
Jekyll ``{% include note.html content="..." %}``. The rules:

- a paired tag (one with a closing tag in the page) is a container: its content stays,
  its title (``title=``/``header=``/``summary=``/``label=`` or, for expanders and tabs, the
  first quoted argument) becomes a line of its own, as an admonition's title does; a
  section's title (``{{< section title="Scope" level="3" >}}``, also ``chapter/section``)
  is a heading, of the ``level=`` it states (else 2), as the page shows it;
  a tab without a title of its own takes it from its tab set's list (Hextra
  ``{{< tabs items="Windows,Linux" >}}``) or its ``name=`` (Hextra), and a notice its second
  argument (Relearn ``{{% notice note "Let op" %}}``);
- a heading shortcode (``{{< header title="Aanpak" >}}``, ``{{< heading "Kosten" 3 >}}``,
  ``{{< heading level="2" >}}Kosten{{< /heading >}}``) is a heading of the level it states
  (else 2); written inside a Markdown heading (``# {{< heading "Kosten" >}}``) it is that
  heading's text; its subtitle (``sub-text=``) is a paragraph under it;
- a tag without a closing tag renders something we cannot reproduce: only its caption or
  title text (``caption=``, ``title=``, an include's ``content=``) is kept, with a card's
  ``subtitle=``/``description=`` under it; a key (``{{< kbd "Ctrl" >}}``) or a badge
  (``{{< badge "Nieuw" >}}``) shows its text in the sentence where it stands;
- media embeds (video, tweets, GitBook ``embed``), links to other pages shown as cards
  (GitBook ``content-ref``, Hextra ``{{< card link="../start" title="Aan de slag" >}}``),
  buttons, tables of contents and includes of other files are dropped and recorded;
  comments go silently; hugo-book's column separator (a ``<--->`` line) is a paragraph break;
- ``highlight``/``mermaid``/GitBook ``code`` blocks become code fences, so the fence rules
  (diagrams dropped, code kept as code) apply.

Whatever template code is left afterwards (``{% if %}``, ``{{ page.title }}``, Hugo's
``{{< ref >}}`` inside a link) is removed by :func:`~index.formats.markup.remove_template_code`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.documents import DROP_BUTTON, DROP_EMBED, DROP_INCLUDE, DROP_TOC, Dropped

from .containers import Fence, open_fence, outside_fences, record_drop

# {{< name args >}}, {{% name args %}}, {{< /name >}}, {{< name args />}}
_HUGO = r"\{\{(?:[<%])\s*(?P<hclose>/)?\s*(?P<hname>[A-Za-z][\w./-]*)(?P<hargs>.*?)(?P<hself>/)?\s*[>%]\}\}"
# {% name args %}, {%- name -%}, {% endname %}; Markdoc (Starlight, Keystatic) closes with {% /name %}
_LIQUID = r"\{%-?\s*(?P<lslash>/)?(?P<lname>[A-Za-z][\w-]*)(?P<largs>.*?)-?%\}"
_TAG = re.compile(f"{_HUGO}|{_LIQUID}", re.DOTALL)
_ATTR = re.compile(r"""([\w-]+)\s*(?<![=!<>])=(?!=)\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_QUOTED = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)')""")
# One argument: key=value (skipped as positional), a quoted string or a bare word.
_ARGUMENT = re.compile(r"""[\w-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"']+)|"([^"]*)"|'([^']*)'|([^\s"'=]+)""")

TITLE_ATTRS = ("title", "header", "summary", "label")
TEXT_ATTRS = ("caption", "title", "content")  # what a tag without content shows
# What a card without content says under its title (Hextra {{< hextra/feature-card title= subtitle= >}}).
DESCRIPTION_ATTRS = ("subtitle", "description")
# Containers whose first quoted argument is their title: {{< details "Meer weten" >}}.
TITLED_BY_ARGUMENT = frozenset({"details", "expand", "tab", "collapse", "accordion", "spoiler", "toggle"})
# Containers whose title is their second argument, after a style: Relearn {{% notice warning "Let op" %}}.
TITLED_AFTER_STYLE = frozenset({"notice"})
# Tabs named by their set: Hextra {{< tabs items="A,B" >}} {{< tab >}}..., the n-th tab is the n-th item.
TAB_SETS = frozenset({"tabs", "tabpane"})
TABS = frozenset({"tab"})
# Inline labels: a key cap ({{< kbd "Ctrl" >}}) or a badge ({{< badge "Nieuw" >}}) shows its text in the sentence.
INLINE_LABELS = frozenset({"kbd", "key", "keyboard", "badge"})
_LABEL_ATTRS = ("content", "text", "title", "label")
# Containers that are a part of the page under a heading of their own: their title is that heading.
SECTIONS = frozenset({"section"})
# Containers whose closing tag ends a block (content is its own paragraph).
BLOCK_CONTAINERS = frozenset({
    "alert", "hint", "notice", "callout", "note", "tip", "info", "warning", "caution", "danger", "important",
    "details", "expand", "tab", "tabs", "collapse", "accordion", "spoiler", "toggle", "columns", "column",
    "pageinfo", "card", "cardpane", "panel", "box", "quote", "blockquote", "admonition", "section", "embed",
})
# Jekyll/Jinja control flow: left for remove_template_code (the tags go, the content stays).
LIQUID_CONTROL = frozenset({
    "if", "elsif", "else", "unless", "for", "case", "when", "capture", "raw", "assign", "cycle", "tablerow",
    "with", "macro", "block", "set", "call", "filter", "increment", "decrement", "break", "continue", "liquid",
})
MEDIA = frozenset({"youtube", "vimeo", "tweet", "x", "twitter", "gist", "instagram", "embed", "iframe", "video",
                   "audio", "pdf", "asciinema", "slideshare", "loom"})
TOC = frozenset({"toc", "tableofcontents", "table_of_contents"})
INCLUDES = frozenset({"include", "include_relative", "readfile", "include-markdown", "remote", "partial"})
NAVIGATION = frozenset({"content-ref", "page-ref"})  # GitBook: a card linking another page
CARDS = frozenset({"card", "link-card", "linkcard"})  # without content but with a link: navigation too
_LINK_ATTRS = ("link", "href", "url")
# hugo-book's {{< columns >}} separates its columns by a line "<--->".
_COLUMN_BREAK = re.compile(r"^[ \t]*<--->[ \t]*$", re.MULTILINE)
BUTTONS = frozenset({"button", "btn", "linkbutton", "link-button"})
SILENT = frozenset({"comment"})
_CLOSING_LIQUID = re.compile(r"^end(?P<name>[\w-]+)$")
# Heading shortcodes: paired (the content is the heading text) or not (the text is an argument),
# at the start of a line, possibly inside a Markdown heading ("# {{< heading "Kosten" >}}").
_HEADING_SHORTCODE = re.compile(
    r"^(?P<marks>[ \t]*#{1,6}[ \t]+)?[ \t]*\{\{[<%]\s*(?P<name>header|heading)\b(?P<args>[^{}]*?)/?\s*[>%]\}\}"
    r"(?:(?P<content>(?:(?!\{\{)[\s\S])*?)\{\{[<%]\s*/\s*(?P=name)\s*[>%]\}\})?",
    re.MULTILINE,
)
_HEADING_LEVEL = re.compile(r"^h?([1-6])$", re.IGNORECASE)
DEFAULT_HEADING_LEVEL = 2


@dataclass(frozen=True)
class Tag:
    """One template tag: its name (last path part, lower case), arguments and shape."""

    name: str
    args: str
    closing: bool
    self_closing: bool
    hugo: bool

    def attrs(self) -> dict[str, str]:
        return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(self.args)}

    def first_quoted(self) -> str | None:
        match = _QUOTED.match(self.args)
        return (match.group(1) if match.group(1) is not None else match.group(2)) if match else None

    def positional(self) -> list[str]:
        """The arguments without a name, in order: ``notice warning "Let op"`` -> [warning, Let op]."""
        return [next(g for g in m.groups() if g is not None) for m in _ARGUMENT.finditer(self.args)
                if any(g is not None for g in m.groups())]

    def title(self) -> str:
        attrs = self.attrs()
        for key in TITLE_ATTRS:
            if attrs.get(key, "").strip():
                return attrs[key].strip()
        if self.name in TABS and attrs.get("name", "").strip():
            return attrs["name"].strip()  # Hextra {{< tab name="JSON" >}}
        if self.name in TITLED_BY_ARGUMENT:
            return (self.first_quoted() or "").strip()
        if self.name in TITLED_AFTER_STYLE:
            arguments = self.positional()
            return arguments[1].strip() if len(arguments) > 1 else ""
        return ""

    def items(self) -> list[str]:
        """The tab titles a tab set lists (``items="Windows,Linux"``), in order."""
        return [item.strip() for item in self.attrs().get("items", "").split(",")] if self.name in TAB_SETS else []

    def heading_level(self) -> int | None:
        """The heading level of a section's title (``level="3"``, else 2); ``None`` for other containers."""
        if self.name not in SECTIONS:
            return None
        level = self.attrs().get("level", "").strip()
        return int(level) if level in {"1", "2", "3", "4", "5", "6"} else 2

    def text(self) -> str:
        """What a tag without content shows: its caption or title, and under it its description."""
        attrs = self.attrs()
        caption = " ".join(attrs[key].strip() for key in TEXT_ATTRS if attrs.get(key, "").strip())
        description = " ".join(attrs[key].strip() for key in DESCRIPTION_ATTRS if attrs.get(key, "").strip())
        return "\n\n".join(part for part in (caption, description) if part)

    def label(self) -> str:
        """An inline label's text: its first argument or its content/text attribute."""
        attrs = self.attrs()
        return " ".join(self.positional()) or next((attrs[k].strip() for k in _LABEL_ATTRS if attrs.get(k)), "")


def _tag(match: re.Match[str]) -> Tag:
    if match.group("hname"):
        return Tag(match.group("hname").rsplit("/", 1)[-1].lower(), match.group("hargs") or "",
                   bool(match.group("hclose")), bool(match.group("hself")), hugo=True)
    name = match.group("lname").lower()
    if match.group("lslash"):
        return Tag(name, "", True, False, hugo=False)
    closing = _CLOSING_LIQUID.match(name)
    if closing:
        return Tag(closing.group("name"), "", True, False, hugo=False)
    return Tag(name, match.group("largs") or "", False, False, hugo=False)


# --- code blocks written as tags ---------------------------------------------------------

_CODE_LINE = re.compile(
    r"^\s*(?:\{\{[<%]\s*(?P<hclose>/)?\s*(?P<hname>highlight|mermaid)\b(?P<hargs>[^}]*?)[>%]\}\}"
    r"|\{%-?\s*(?P<lname>highlight|endhighlight|code|endcode)\b(?P<largs>[^%]*?)-?%\})\s*$",
    re.IGNORECASE,
)


def _code_fence(line: str) -> str | None:
    """The fence line for a tag line that opens or closes code, else ``None``."""
    match = _CODE_LINE.match(line)
    if not match:
        return None
    if match.group("hname"):
        name, args, closing = match.group("hname").lower(), match.group("hargs"), bool(match.group("hclose"))
    else:
        raw = match.group("lname").lower()
        name, args, closing = raw.removeprefix("end"), match.group("largs"), raw.startswith("end")
    if name == "code":  # GitBook {% code title="x" %} wraps a fence of its own
        return ""
    if closing:
        return "```"
    language = "mermaid" if name == "mermaid" else (args.split() or [""])[0].strip("\"'")
    return "```" + language


def code_tags_to_fences(lines: list[str]) -> list[str]:
    out: list[str] = []
    fence: Fence | None = None
    for line in lines:
        if fence is not None:
            fence = None if fence.closes(line) else fence
            out.append(line)
            continue
        replaced = _code_fence(line)
        if replaced is not None:
            out.append(replaced)
            continue
        fence = open_fence(line)
        out.append(line)
    return out


# Docsy {{< tabpane >}}: a tab with a language (its own lang=/language= or its pane's) shows its content
# as highlighted code, unless text=true makes it Markdown.
_TABPANE = re.compile(r"\{\{[<%]\s*tabpane\b(?P<args>[^{}]*?)[>%]\}\}(?P<body>.*?)\{\{[<%]\s*/tabpane\s*[>%]\}\}",
                      re.DOTALL)
_PANE_TAB = re.compile(
    r"(?P<open>\{\{[<%]\s*tab\b(?P<args>[^{}]*?)[>%]\}\})[ \t]*\n?(?P<code>.*?)[ \t]*(?P<close>\{\{[<%]\s*/tab\s*[>%]\}\})",
    re.DOTALL,
)
_CODE_LANGUAGE_ATTRS = ("lang", "language")


def _code_language(attrs: dict[str, str], pane: dict[str, str]) -> str | None:
    """The language a Docsy tab shows its content in, or ``None`` when the content is text."""
    text = attrs.get("text", pane.get("text", "")).strip().lower()
    if text == "true":
        return None
    return next((found[key].strip() for found in (attrs, pane) for key in _CODE_LANGUAGE_ATTRS
                 if found.get(key, "").strip()), None)


def _code_tab(match: re.Match[str], pane: dict[str, str]) -> str:
    """A tab that holds code, with its content in a fence (its title stays with the tab tag)."""
    language = _code_language(Tag("tab", match.group("args"), False, False, True).attrs(), pane)
    if language is None:
        return match.group(0)
    code = match.group("code").rstrip()
    fence = "````" if "```" in code else "```"
    return f"{match.group('open')}\n{fence}{language}\n{code}\n{fence}\n{match.group('close')}"


def _code_pane(match: re.Match[str]) -> str:
    """A tab pane with its code tabs fenced; its language (``lang=``) is that of each tab without one."""
    pane = Tag("tabpane", match.group("args"), False, False, True).attrs()
    body = _PANE_TAB.sub(lambda m: _code_tab(m, pane), match.group("body"))
    whole, start = match.group(0), match.start()
    return whole[:match.start("body") - start] + body + whole[match.end("body") - start:]


def docsy_code_tabs(text: str) -> str:
    """Docsy tab panes whose tabs hold code: their content in code fences, so it is read as code,
    not as prose (``{{< tab header="Python" lang="python" >}}print(1){{< /tab >}}``)."""
    return _TABPANE.sub(_code_pane, text) if "tabpane" in text else text


# --- the rest ------------------------------------------------------------------------------


def paired_names(text: str) -> set[tuple[bool, str]]:
    """``(hugo?, name)`` of every tag that has a closing tag somewhere in ``text``."""
    return {(tag.hugo, tag.name) for tag in map(_tag, _TAG.finditer(text)) if tag.closing}


class _Rewriter:
    """Replace each tag by what a reader sees; skip the content of dropped containers."""

    def __init__(self, paired: set[tuple[bool, str]], drops: list[Dropped] | None) -> None:
        self.paired = paired
        self.drops = drops
        self.skipping: tuple[bool, str] | None = None  # the dropped container we are in
        self.tab_titles: list[list[str]] = []  # per open tab set: the titles its next tabs take

    def rewrite(self, text: str) -> str:
        out: list[str] = []
        last = 0
        for match in _TAG.finditer(text):
            if self.skipping is None:
                out.append(text[last:match.start()])
            out.append(self._replace(_tag(match), match.group(0)))
            last = match.end()
        if self.skipping is None:
            out.append(text[last:])
        return "".join(out)

    def _drop(self, rule: str, what: str) -> None:
        record_drop(self.drops, rule, what)

    def _replace(self, tag: Tag, raw: str) -> str:
        key = (tag.hugo, tag.name)
        if self.skipping is not None:
            if tag.closing and key == self.skipping:
                self.skipping = None
                return "\n\n"
            return ""
        if not tag.hugo and tag.name in LIQUID_CONTROL:
            return raw  # removed with the other template code; its content stays
        if tag.closing:
            if tag.name in TAB_SETS and self.tab_titles:
                self.tab_titles.pop()
            return "\n\n" if tag.name in BLOCK_CONTAINERS else ""
        if tag.name in TOC:
            self._drop(DROP_TOC, raw)
            return ""
        if key in self.paired and not tag.self_closing:
            return self._container(tag, key)
        return self._unpaired(tag)

    def _container(self, tag: Tag, key: tuple[bool, str]) -> str:
        """Opening tag of a container: its title as a line, or skip the content of a dropped one."""
        if tag.name in NAVIGATION | BUTTONS | SILENT | {"mermaid"}:
            self.skipping = key
            if tag.name in NAVIGATION:
                self._drop(DROP_EMBED, tag.attrs().get("url") or tag.name)
            elif tag.name in BUTTONS:
                self._drop(DROP_BUTTON, tag.attrs().get("href") or tag.name)
            return ""
        if tag.name in MEDIA:
            self._drop(DROP_EMBED, tag.attrs().get("url") or tag.args.strip() or tag.name)
        if tag.name in TAB_SETS:
            self.tab_titles.append(tag.items())
        title = self._next_tab_title(tag) or tag.title()
        level = tag.heading_level()
        if title and level:
            return f"\n\n{'#' * level} {title}\n\n"
        if title:
            return f"\n\n{title}\n\n"
        return "\n\n" if tag.name in BLOCK_CONTAINERS else ""

    def _next_tab_title(self, tag: Tag) -> str:
        """A Hextra tab's title: the next item its tab set lists (a tab's own title wins, but uses it up)."""
        if tag.name not in TABS or not self.tab_titles or not self.tab_titles[-1]:
            return ""
        listed = self.tab_titles[-1].pop(0)
        return tag.title() or listed

    def _unpaired(self, tag: Tag) -> str:
        """A tag without content: only its caption or title stays; a key stays in its sentence."""
        if tag.name in INLINE_LABELS:
            return tag.label()
        text = tag.text()
        link = next((tag.attrs()[key] for key in _LINK_ATTRS if tag.attrs().get(key)), None)
        if tag.name in CARDS and link:
            self._drop(DROP_EMBED, link)
            return ""
        if tag.name in MEDIA:
            self._drop(DROP_EMBED, text or tag.attrs().get("url") or tag.args.strip() or tag.name)
        elif tag.name in INCLUDES and not text:
            self._drop(DROP_INCLUDE, tag.args.strip() or tag.name)
        return f"\n\n{text}\n\n" if text else ""


def _shortcode_heading(match: re.Match[str]) -> str:
    """A heading shortcode as a Markdown heading (see the module docstring)."""
    tag = Tag(match.group("name"), match.group("args"), False, False, hugo=True)
    attrs = tag.attrs()
    arguments = tag.positional()
    text = match.group("content") or attrs.get("text") or attrs.get("title") or (arguments[0] if arguments else "")
    text = " ".join(text.split())
    if match.group("marks"):
        return match.group("marks") + text
    if not text:
        return ""
    stated = attrs.get("level") or attrs.get("heading") or next((a for a in arguments[1:] if a.isdigit()), "")
    level = _HEADING_LEVEL.match(stated.strip())
    subtitle = attrs.get("sub-text") or attrs.get("subtitle") or ""
    heading = f"\n\n{'#' * (int(level.group(1)) if level else DEFAULT_HEADING_LEVEL)} {text}\n\n"
    return heading + (f"{subtitle.strip()}\n\n" if subtitle.strip() else "")


def heading_shortcodes(text: str) -> str:
    """Rewrite heading shortcodes as Markdown headings, so they open sections as the page shows."""
    return _HEADING_SHORTCODE.sub(_shortcode_heading, text) if "head" in text else text


# A steps container (Hextra/Docsy {{% steps %}}, Nextra/Fumadocs <Steps>) numbers the headings in it (Mintlify:
# its <Step title=...>) with a CSS counter: the numbers are on the page, not in the Markdown.
_STEPS_OPEN = re.compile(r"^\s*(?:\{\{[<%]\s*steps\b[^}]*[>%]\}\}|<Steps\b[^<>/]*>)\s*$")
_STEPS_CLOSE = re.compile(r"^\s*(?:\{\{[<%]\s*/\s*steps\s*[>%]\}\}|</Steps\s*>)\s*$")
_STEP_HEADING = re.compile(r"^(\s{0,3}#{1,6}[ \t]+)(?!\d+[.)]\s)(\S.*)$")
_STEP_COMPONENT = re.compile(r"""^(\s*<Step\b[^<>]*?\btitle=["'])(?!\d+[.)]\s)(.*)$""")  # Mintlify <Step title=...>


def numbered_steps(lines: list[str]) -> list[str]:
    """Give the headings in a steps container the numbers the page shows ("### 2. Sleutel aanvragen"),
    so a question about step 2 finds it; code fences inside are left alone."""
    if not any(_STEPS_OPEN.match(line) for line in lines):
        return lines
    out: list[str] = []
    step: int | None = None  # the last number given in the open container
    fence: Fence | None = None
    for line in lines:
        if fence is not None:
            fence = None if fence.closes(line) else fence
        elif (fence := open_fence(line)) is None:
            if _STEPS_OPEN.match(line):
                step = 0
            elif _STEPS_CLOSE.match(line):
                step = None
            elif step is not None and (heading := _STEP_HEADING.match(line) or _STEP_COMPONENT.match(line)):
                step += 1
                line = f"{heading.group(1)}{step}. {heading.group(2)}"
        out.append(line)
    return out


def template_tags(lines: list[str], drops: list[Dropped] | None = None) -> list[str]:
    """Rewrite the template tags of a page's lines (code fences untouched).

    Whether a tag is a container is decided on the whole page, so a tab whose content
    is a code fence still keeps its title.
    """
    text = "\n".join(lines)
    if "tabpane" in text:
        lines = docsy_code_tabs(text).split("\n")
    lines = numbered_steps(code_tags_to_fences(lines))
    text = "\n".join(lines)
    if "{{" not in text and "{%" not in text:
        return lines
    lines = outside_fences(lines, heading_shortcodes)
    prose: list[str] = []
    outside_fences(lines, lambda chunk: prose.append(chunk) or chunk)
    rewriter = _Rewriter(paired_names("\n".join(prose)), drops)
    return outside_fences(lines, lambda chunk: _COLUMN_BREAK.sub("", rewriter.rewrite(chunk)))
