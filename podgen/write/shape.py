"""The show's shape: one pure function over a Script, applied to every writer's output.

Whatever wrote the script (the offline writer, a model, a plug-in), :func:`shape` returns one
in which the hosts alternate, no line is only a reaction ("That's really helpful!": it becomes
a backchannel under the line before, or goes), no stock phrase opens more than two lines, the
show opens with a welcome that names its subject and closes with a recap and a goodbye, no
host speaks of "part 3" or "the document", no question is asked twice (by meaning), and no
fragment stands as a line. The words it goes by are data (``prompts/shape.toml``, and the
offline writer's phrases for the welcome and the goodbye); ``shape_rules.load_rules`` reads them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from ..models import MAX_LINE_CHARS, MAX_REACTION_CHARS, Chapter, Line, Reaction, Script
from ..text.centrality import terms
from ..text.headings import short_title
from ..text.sentences import split_sentences
from .shape_rules import Rules, norm, said_any

OPENER_MOST = 2
"""A stock phrase may open at most this many lines of an episode."""
FILLER_MOST_WORDS = 8
"""A sentence longer than this is never a filler."""
FRAGMENT_WORDS = 6
"""A line of at most this many words, with no verb and no closing stop, is a fragment."""
NEW_WORDS = 1
"""A question that adds at most this many content words to an earlier one asks it again."""
SAID_WORDS = 6
"""Sentences of at least this many words are compared to what was said before..."""
SAID_AGAIN = 0.8
"""...and one with this share of its words (Jaccard) in an earlier one is said again."""
NAME_WORDS = 6
"""A title of at most this many words names the subject in a line; a longer one is "it"."""
_VERB_ENDING = re.compile(r"(?:ed|ing|n't)$")


# --- lines as items that remember their chapter -----------------------------------------------


@dataclass
class Item:
    line: Line
    chapter: Chapter | None = None
    """The chapter this line starts, if any."""
    origin: int = -1
    """The line's index in the script as written (-1: a line added here)."""


def shape(
    script: Script, rules: Rules, subject: str = "", seed: str = "", closing: bool = True, framed: bool = False
) -> Script:
    """``script`` in the show's shape (a new Script; the given one is not changed).

    ``subject``: the document's own sentence saying what it is about (said after a welcome
    this function adds); ``seed``: picks the phrases (the same seed, the same phrases);
    ``closing``: the script is finished, so it must end with a goodbye (a draft need not);
    ``framed``: the writer opens and closes every show itself (the offline writer, whose
    templates are the welcome and the goodbye the shape would add)."""
    hosts = script.hosts or list(dict.fromkeys(line.speaker for line in script.lines))
    script = replace(script, chapters=tidy_titles(script.chapters))
    items = _items(script)
    if rules.has_words:
        name = script.title if len(script.title.split()) <= NAME_WORDS else "it"
        items = _said_plainly(items, rules, name)
        items = _without_fragments(items, rules)
        items = _asked_once(items)
        items = _fillers_as_backchannels(items, rules, hosts)
        items = _fresh_openers(items, rules, hosts)
        if len(hosts) >= 2 and not framed:
            picker = _Picker(rules.phrases, seed or script.title, hosts, script.title)
            items = _welcomed(items, rules, picker, subject, script.title)
            items = _said_goodbye(items, rules, picker) if closing else items
        items = _said_once(items)
    if len(hosts) >= 2:
        items = _alternating(items)
    return _rebuilt(script, items)


def _items(script: Script) -> list[Item]:
    starts = {c.line: c for c in script.chapters}
    return [Item(line, starts.get(i), i) for i, line in enumerate(script.lines)]


def _rebuilt(script: Script, items: list[Item]) -> Script:
    """The Script of ``items``: chapters where their lines are now, the highlight mapped."""
    chapters = [replace(item.chapter, line=i) for i, item in enumerate(items) if item.chapter is not None]
    return replace(
        script,
        lines=[item.line for item in items],
        chapters=chapters,
        highlight=_highlight(script.highlight, items),
    )


def _highlight(highlight: list[int], items: list[Item]) -> list[int]:
    if not highlight:
        return []
    kept = [i for i, item in enumerate(items) if highlight[0] <= item.origin <= highlight[1]]
    return [kept[0], kept[-1]] if kept else []


def _filtered(items: list[Item], decide) -> list[Item]:
    """``items`` through ``decide(item, kept)``: an Item to keep (changed or not), or None to drop
    it. The chapter of a dropped line starts at the next line kept."""
    kept: list[Item] = []
    waiting: Chapter | None = None
    for item in items:
        new = decide(item, kept)
        if new is None:
            waiting = waiting or item.chapter
            continue
        if waiting is not None and new.chapter is None:
            new.chapter = waiting
        waiting = None
        kept.append(new)
    return kept


def _with_text(item: Item, text: str) -> Item:
    line = item.line
    reactions = line.reactions if text == line.text else []
    return replace(item, line=replace(line, text=text, reactions=reactions))


# --- words the show must not say ------------------------------------------------------------


def _said_plainly(items: list[Item], rules: Rules, name: str) -> list[Item]:
    """No "part 3", "the document" or "the text": said as the subject, or the sentence goes."""

    def decide(item: Item, kept: list[Item]) -> Item | None:
        text = " ".join(s for s in (_plain(s, rules, name) for s in split_sentences(item.line.text)) if s)
        return _with_text(item, text) if text.strip() else None

    return _filtered(items, decide)


def _plain(sentence: str, rules: Rules, name: str) -> str:
    said = sentence
    for pattern, say in rules.references:
        if not pattern.search(sentence):
            continue
        if not say:
            return ""
        sentence = pattern.sub(say.replace("{name}", name), sentence)
    if sentence == said:
        return sentence
    sentence = re.sub(r"\s+([,.!?;:])", r"\1", " ".join(sentence.split()))
    return sentence[:1].upper() + sentence[1:]


# --- fragments ---------------------------------------------------------------------------------


def is_fragment(text: str, rules: Rules) -> bool:
    """A line that is not a sentence: "The pdfplumber.PDF class", "And also has the following method"."""
    stripped = text.strip()
    if not stripped:
        return True
    if any(p.search(stripped) for p in rules.fragment_patterns):
        return True
    if said_any(stripped, rules.welcome_words + rules.goodbye_words):
        return False
    if len(split_sentences(stripped)) != 1 or stripped.endswith(("?", "!", ".")):
        return False  # a short sentence that ends as one ("Bees dance.") is one
    words = norm(stripped).split()
    if not words or len(words) > FRAGMENT_WORDS or is_filler(stripped, rules, []):
        return False
    return not any(w in rules.verbs or w in rules.subjects or _VERB_ENDING.search(w) for w in words)


def _without_fragments(items: list[Item], rules: Rules) -> list[Item]:
    """Lines that are fragments go; so do the fragments a longer line ends or starts with."""

    def decide(item: Item, kept: list[Item]) -> Item | None:
        if is_fragment(item.line.text, rules):
            return None
        sentences = split_sentences(item.line.text)
        whole = [s for s in sentences if not any(p.search(s) for p in rules.fragment_patterns)]
        return item if len(whole) == len(sentences) else _with_text(item, " ".join(whole)) if whole else None

    return _filtered(items, decide)


# --- questions asked once ------------------------------------------------------------------------


def same_question(new: str, old: str) -> bool:
    """Whether question ``new`` asks what ``old`` asked: it shares two or more of its content
    words and adds at most one ("How does it handle multiple speakers?" after "How does it handle
    different speakers?"), or, with fewer content words, it is the same words."""
    mine, theirs = set(terms(new)), set(terms(old))
    if len(mine) < 2 or len(theirs) < 2:
        return bool(mine) and norm(new) == norm(old)
    return len(mine & theirs) >= 2 and len(mine - theirs) <= NEW_WORDS


def is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'”’) ").endswith("?")


def _asked_once(items: list[Item]) -> list[Item]:
    """A question that asks what an earlier one asked is taken out of its line."""
    asked: list[str] = []

    def decide(item: Item, kept: list[Item]) -> Item | None:
        sentences = split_sentences(item.line.text)
        fresh = [s for s in sentences if not is_question(s) or not any(same_question(s, q) for q in asked)]
        asked.extend(s for s in fresh if is_question(s))
        if len(fresh) == len(sentences):
            return item
        return _with_text(item, " ".join(fresh)) if fresh else None

    return _filtered(items, decide)


# --- sentences said once ---------------------------------------------------------------------------


def same_sentence(a: str, b: str) -> bool:
    """Whether two sentences of six words or more say the same, nearly word for word."""
    mine, theirs = set(norm(a).split()), set(norm(b).split())
    if len(mine) < SAID_WORDS or len(theirs) < SAID_WORDS:
        return False
    return len(mine & theirs) / len(mine | theirs) >= SAID_AGAIN


def _said_once(items: list[Item]) -> list[Item]:
    """A sentence said again nearly word for word (a model repeating the subject's sentence the
    welcome just said) is taken out of its line."""
    said: list[str] = []

    def decide(item: Item, kept: list[Item]) -> Item | None:
        sentences = split_sentences(item.line.text)
        fresh = [s for s in sentences if not any(same_sentence(s, earlier) for earlier in said)]
        said.extend(fresh)
        if len(fresh) == len(sentences):
            return item
        return _with_text(item, " ".join(fresh)) if fresh else None

    return _filtered(items, decide)


# --- fillers and stock openers -------------------------------------------------------------------


def is_filler(text: str, rules: Rules, hosts: list[str]) -> bool:
    """A line (or sentence) that is only a reaction: every sentence of it a filler."""
    sentences = split_sentences(text.strip())
    return bool(sentences) and all(_filler_sentence(s, rules, hosts) for s in sentences)


def _filler_sentence(sentence: str, rules: Rules, hosts: list[str]) -> bool:
    names = {h.lower() for h in hosts}
    words = [w for w in norm(sentence).split() if w not in names]
    if not words or not rules.filler_words:
        return False
    if " ".join(words) in rules.filler_phrases:
        return True
    return len(words) <= FILLER_MOST_WORDS and all(w in rules.filler_words for w in words)


def opener(text: str, rules: Rules, hosts: list[str]) -> str | None:
    """The stock phrase that opens ``text``: its first sentence or clause when that is filler
    and more follows."""
    found = _opening(text, rules, hosts)
    return found[0] if found else None


def _opening(text: str, rules: Rules, hosts: list[str]) -> tuple[str, str] | None:
    """(the opener, the rest of the line), or None when the line opens with no stock phrase."""
    sentences = split_sentences(text.strip())
    if not sentences:
        return None
    first = sentences[0]
    if len(sentences) > 1 and _filler_sentence(first, rules, hosts):
        return _stock(first, rules, hosts), " ".join(sentences[1:])
    clause, _, rest = first.partition(",")
    if rest.strip() and _filler_sentence(clause, rules, hosts):
        rest = " ".join([rest.strip(), *sentences[1:]])
        return _stock(clause, rules, hosts), rest[:1].upper() + rest[1:]
    return None


def _stock(phrase: str, rules: Rules, hosts: list[str]) -> str:
    """The stock phrase ``phrase`` is an instance of: no names, no intensifiers, praise as "*"."""
    names = {h.lower() for h in hosts}
    plain = [w for w in norm(phrase).split() if w not in names]
    words = [w for w in plain if w not in rules.intensifiers] or plain
    return " ".join("*" if w in rules.praise_words else w for w in words)


def _fillers_as_backchannels(items: list[Item], rules: Rules, hosts: list[str]) -> list[Item]:
    def decide(item: Item, kept: list[Item]) -> Item | None:
        if not kept or not is_filler(item.line.text, rules, hosts):
            return item
        _as_backchannel(kept[-1], item.line)
        return None

    return _filtered(items, decide)


def _as_backchannel(previous: Item, filler: Line) -> None:
    """``filler`` said under ``previous``'s line, after its last sentence but one, if it may be."""
    line = previous.line
    sentences = len(split_sentences(line.text))
    text = " ".join(filler.text.split())
    if filler.speaker == line.speaker or sentences < 2 or len(text) > MAX_REACTION_CHARS:
        return
    if any(r.speaker == filler.speaker for r in line.reactions):
        return
    previous.line = replace(line, reactions=[*line.reactions, Reaction(filler.speaker, sentences - 1, text)])


def _fresh_openers(items: list[Item], rules: Rules, hosts: list[str]) -> list[Item]:
    """A stock phrase opening a third line is taken off it."""
    seen: Counter[str] = Counter()

    def decide(item: Item, kept: list[Item]) -> Item | None:
        found = _opening(item.line.text, rules, hosts)
        if found is None:
            return item
        seen[found[0]] += 1
        return item if seen[found[0]] <= OPENER_MOST else _with_text(item, found[1])

    return _filtered(items, decide)


# --- welcome and goodbye -------------------------------------------------------------------------


class _Picker:
    """Phrases picked by a seed: the same script, the same phrases."""

    def __init__(self, phrases: dict[str, list[str]], seed: str, hosts: list[str], title: str):
        self.phrases, self.seed, self.hosts, self.title = phrases, seed, hosts, title

    def say(self, kind: str, speaker: int, **fields: str) -> str:
        choices = self.phrases.get(kind) or []
        if not choices:
            return ""
        phrase = choices[sum(map(ord, f"{self.seed}/{kind}")) % len(choices)]
        values = {"title": self.title, "host": self.hosts[speaker], "other": self.hosts[1 - speaker], **fields}
        values.setdefault("topics", "")
        try:
            return phrase.format(**values)
        except (KeyError, IndexError, ValueError):
            return ""


def _welcomed(items: list[Item], rules: Rules, picker: _Picker, subject: str, title: str) -> list[Item]:
    """The show opens with a welcome that names the subject; else one is put before it."""
    opening = " ".join(i.line.text for i in items[:2])
    welcomed = said_any(opening, rules.welcome_words)
    named = bool(set(terms(title)) & set(terms(opening))) if terms(title) else True
    if welcomed and named:
        return items
    added: list[Item] = []
    if not welcomed:
        added.append(Item(Line(picker.hosts[0], picker.say("welcome", 0), kind="topic")))
    if subject and (not named or not welcomed):
        about = picker.say("intro_about", 1)
        added.append(Item(Line(picker.hosts[1], f"{about} {subject}".strip(), kind="answer")))
    added = [i for i in added if i.line.text]
    if not added:
        return items
    first_chapter = items[0].chapter if items else None
    if items:
        items[0].chapter = None
    added[0].chapter = first_chapter
    return added + items


def _said_goodbye(items: list[Item], rules: Rules, picker: _Picker) -> list[Item]:
    """The show ends with a recap and a goodbye; else the offline writer's close is added."""
    if not items or said_any(" ".join(i.line.text for i in items[-2:]), rules.goodbye_words):
        return items
    topics: list[str] = []
    for chapter in (i.chapter for i in items):
        title = chapter.title if chapter is not None else ""
        if title and norm(title) not in rules.generic_titles and not any(t in title for t in topics):
            topics.append(title)  # "More on Duck" is not a topic after "Duck"
    recap = picker.say("outro", 0, topics=spoken_list(topics[:4] or [picker.title]))
    close = picker.say("outro_close", 1)
    added = [Item(Line(picker.hosts[0], recap, kind="topic"))] if recap else []
    added += [Item(Line(picker.hosts[1], close))] if close else []
    return items + added


def spoken_list(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


# --- hosts alternate -----------------------------------------------------------------------------


def _alternating(items: list[Item]) -> list[Item]:
    """Consecutive lines of one host are one line (unless together they are too long for one)."""
    kept: list[Item] = []
    for item in items:
        before = kept[-1] if kept else None
        if before is None or before.line.speaker != item.line.speaker:
            kept.append(item)
            continue
        text = f"{before.line.text} {item.line.text}"
        if len(text) > MAX_LINE_CHARS:
            kept.append(item)
            continue
        before.line = _merged(before.line, item.line)
        if before.chapter is None and item.chapter is not None:
            before.chapter = item.chapter
    return kept


def _merged(first: Line, second: Line) -> Line:
    offset = len(split_sentences(first.text))
    reactions = [*first.reactions, *(replace(r, after=r.after + offset) for r in second.reactions)]
    return replace(first, text=f"{first.text} {second.text}", reactions=reactions)


# --- chapter titles ------------------------------------------------------------------------------


def tidy_titles(chapters: list[Chapter]) -> list[Chapter]:
    """Chapter titles as short topics: never a sentence, never cut in the middle of a word."""
    return [replace(c, title=short_title(c.title) or c.title) for c in chapters]
