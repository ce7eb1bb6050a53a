"""The write stage: the offline writer, its phrase templates, and write_script's checks."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import BackendError, ConfigError, EmptyDocument
from podgen.models import Document, Line, Script, Section
from podgen.prompts import load_text, load_toml
from podgen.text.headings import spoken_heading
from podgen.text.sentences import split_sentences
from podgen.write import write_script, writers
from podgen.write.chapters import chapter_seconds
from podgen.write.offline import SOURCE, Draft, OfflineWriter, finish
from podgen.write.phrases import PHRASE_KINDS
from podgen.write.sentences import candidates, speakable

DATA = Path(__file__).parent / "data"
MODEL_CARD = DATA / "modelcard-whisper.md"


# --- helpers -------------------------------------------------------------------------------


def markdown_document(path: Path) -> Document:
    """A Document from a Markdown file: '# ' is the title, deeper headings open sections."""
    title, heading, sections, lines = "", "", [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#+)\s+(.*)", line)
        if not match:
            lines.append(line)
            continue
        if "\n".join(lines).strip():
            sections.append(Section(heading, "\n".join(lines).strip()))
        lines = []
        if len(match.group(1)) == 1 and not title:
            title, heading = match.group(2).strip(), ""
        else:
            heading = match.group(2).strip()
    if "\n".join(lines).strip():
        sections.append(Section(heading, "\n".join(lines).strip()))
    return Document(title=title, sections=sections, source=str(path))


def short_document() -> Document:
    text = (
        "The models are trained on 680,000 hours of audio and the corresponding transcripts "
        "collected from the internet. This non-English data represents 98 different languages. "
        "Our models perform unevenly across languages, and we observe lower accuracy on "
        "low-resource languages."
    )
    return Document(title="A Short Note", sections=[Section("Training Data", text)], source="note.md")


def words(text: str) -> list[str]:
    """Lower-case word tokens, with the spoken substitutions the writer makes."""
    text = re.sub(r"~\s?(?=\d)", "about ", text).replace("&", " and ")
    for short, spoken in (("e.g.", "for example"), ("i.e.", "that is")):
        text = text.replace(short, spoken)
    return re.findall(r"[a-z0-9]+", text.lower())


def appears_in(spoken: list[str], source: list[str], slack: int = 12) -> bool:
    """True if ``spoken`` is ``source`` with only deletions (markup, asides) inside a short span."""
    for start in (i for i, w in enumerate(source) if w == spoken[0]):
        i, end = 0, min(len(source), start + len(spoken) + slack)
        for word in source[start:end]:
            if i < len(spoken) and word == spoken[i]:
                i += 1
        if i == len(spoken):
            return True
    return False


def draft_for(document: Document, settings: Settings) -> Draft:
    return OfflineWriter().draft(document, settings)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z]+\}", phrase)
    return re.compile(".+".join(re.escape(p) for p in parts))


@pytest.fixture(scope="module")
def card() -> Document:
    return markdown_document(MODEL_CARD)


@pytest.fixture(scope="module")
def phrases() -> dict[str, list[str]]:
    return load_toml("offline.toml")


# --- determinism, shape ------------------------------------------------------------------------


def test_same_input_gives_the_same_script(card: Document) -> None:
    first = OfflineWriter().write(card, Settings(minutes=2))
    second = OfflineWriter().write(markdown_document(MODEL_CARD), Settings(minutes=2))
    assert first.to_json() == second.to_json()


def test_phrase_choice_is_seeded_by_the_title(card: Document) -> None:
    openings = {OfflineWriter().write(card, Settings(minutes=2, title=f"Episode {n}")).lines[0].text for n in range(6)}
    assert len(openings) > 1


def test_hosts_alternate_starting_with_host_a_and_both_carry_content(card: Document) -> None:
    settings = Settings(minutes=3)
    script = write_script(card, settings)
    a, b = settings.host_names
    assert [line.speaker for line in script.lines] == [(a, b)[i % 2] for i in range(len(script.lines))]
    draft = draft_for(card, settings)
    content = [0, 0]
    for turn in draft.turns:
        content[turn.speaker] += sum(len(p.text.split()) for p in turn.parts if p.kind == SOURCE)
    assert min(content) >= 60, content
    assert min(content) / sum(content) >= 0.2, content


def test_script_fields(card: Document) -> None:
    settings = Settings(minutes=2)
    script = write_script(card, settings)
    assert script.title == "Model Card: Whisper"
    assert script.writer == "offline"
    assert script.hosts == ["Alex", "Sam"]
    assert script.sources == [str(MODEL_CARD)]
    assert script.description.startswith("A conversation about Model Card: Whisper. ")
    described = script.description.removeprefix("A conversation about Model Card: Whisper. ")
    assert appears_in(words(described), words(MODEL_CARD.read_text(encoding="utf-8")))
    assert write_script(card, Settings(minutes=2, title="My Own Title")).title == "My Own Title"


# --- nothing but the source --------------------------------------------------------------------


def test_every_spoken_sentence_is_verbatim_from_the_source(card: Document) -> None:
    source = words(MODEL_CARD.read_text(encoding="utf-8"))
    draft = draft_for(card, Settings(minutes=3))
    spoken = [p for t in draft.turns for p in t.parts if p.kind == SOURCE]
    assert len(spoken) >= 10
    for part in spoken:
        assert appears_in(words(part.text), source), part.text


def test_every_other_part_is_a_template_phrase(card: Document, phrases: dict[str, list[str]]) -> None:
    draft = draft_for(card, Settings(minutes=3))
    for turn in draft.turns:
        for part in turn.parts:
            if part.kind != SOURCE:
                assert any(phrase_pattern(p).fullmatch(part.text) for p in phrases[part.kind]), part


def test_lines_are_exactly_their_parts(card: Document) -> None:
    settings = Settings(minutes=3)
    draft = draft_for(card, settings)
    script = OfflineWriter().write(card, settings)
    assert [line.text for line in script.lines] == [finish(" ".join(p.text for p in t.parts)) for t in draft.turns]


def test_no_source_sentence_is_used_twice(card: Document) -> None:
    draft = draft_for(card, Settings(minutes=20))  # asks for more than the card has
    spoken = [p.text for t in draft.turns for p in t.parts if p.kind == SOURCE]
    assert len(spoken) == len(set(spoken)) >= 20


def test_lines_are_speakable(card: Document) -> None:
    for minutes in (1, 3, 20):
        for line in write_script(card, Settings(minutes=minutes)).lines:
            assert line.text == line.text.strip() and line.text[-1] in ".!?", line.text
            assert not re.search(r"[\[\]{}()<>*#|`✓~]|https?:|\s{2}", line.text), line.text


# --- variety ---------------------------------------------------------------------------------


def test_no_phrase_twice_in_a_row_and_lists_cycle(card: Document, phrases: dict[str, list[str]]) -> None:
    draft = draft_for(card, Settings(minutes=20))
    used = [p for t in draft.turns for p in t.parts if p.kind != SOURCE]
    assert all(x.text != y.text for x, y in pairwise(used))
    lines = [t.text for t in draft.turns]
    assert all(x != y for x, y in pairwise(lines))
    for kind in PHRASE_KINDS:
        texts = [p.text for p in used if p.kind == kind]
        first_cycle = texts[: len(phrases[kind])]
        assert len(first_cycle) == len(set(first_cycle)), (kind, texts)


def test_frequent_phrase_lists_have_variety(phrases: dict[str, list[str]]) -> None:
    for kind in (
        "intro",
        "intro_about",
        "open_topic",
        "segue",
        "answer",
        "their_words",
        "reaction",
        "read_aloud",
        "agree",
        "outro",
        "outro_close",
    ):
        assert len(set(phrases[kind])) >= 6, kind


# --- length ----------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [1, 2, 3])
def test_word_count_is_near_the_target(card: Document, minutes: int) -> None:
    script = write_script(card, Settings(minutes=minutes))
    target = minutes * 150
    assert 0.85 * target <= script.word_count() <= 1.15 * target, script.word_count()


def test_short_budget_covers_only_the_most_substantial_sections(card: Document) -> None:
    short = draft_for(card, Settings(minutes=1))
    longer = draft_for(card, Settings(minutes=3))
    assert 2 <= len(short.chapters) - 2 < len(longer.chapters) - 2  # without the welcome and the wrap-up
    assert "Release date" not in [c.title for c in longer.chapters]  # no sentences there


def test_short_document_gives_a_shorter_script_without_repeats() -> None:
    document = short_document()
    script = write_script(document, Settings(minutes=5))
    assert script.word_count() < 0.3 * 5 * 150
    spoken = [p.text for t in draft_for(document, Settings(minutes=5)).turns for p in t.parts if p.kind == SOURCE]
    assert len(spoken) == len(set(spoken)) == 3
    assert len(script.lines) >= 4


def test_document_without_prose_is_refused() -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n\nSee https://example.com"
    with pytest.raises(EmptyDocument):
        OfflineWriter().write(Document("Tables", [Section("Data", table)]), Settings())


# --- chapters --------------------------------------------------------------------------------


def test_chapters_point_at_valid_lines(card: Document) -> None:
    settings = Settings(minutes=3)
    script = write_script(card, settings)
    chapters = script.chapters
    assert chapters[0].line == 0 and not {"Welcome", "Wrap-up"} & {c.title for c in chapters}  # merged in
    starts = [c.line for c in chapters]
    assert starts == sorted(set(starts)) and starts[-1] < len(script.lines)
    assert min(chapter_seconds(script, settings.words_per_minute)) >= 45
    for chapter in chapters[1:-1]:
        line = script.lines[chapter.line]
        assert line.speaker == settings.host_names[0] and chapter.title in line.text
    outro = script.lines[chapters[-1].line].text
    assert all(c.title in outro for c in chapters[1:-1])


# --- templates ---------------------------------------------------------------------------------


def test_prompts_dir_override_changes_a_phrase_file_by_file(card: Document, tmp_path: Path) -> None:
    (tmp_path / "offline.toml").write_text('intro = ["Greetings from the override, I am {host}."]\n', encoding="utf-8")
    script = write_script(card, Settings(minutes=1, prompts_dir=tmp_path))
    assert script.lines[0].text == "Greetings from the override, I am Alex."
    assert script.lines[1].text != write_script(card, Settings(minutes=1)).lines[0].text
    assert (
        load_toml("offline.toml", Settings(prompts_dir=tmp_path))["reaction"] == load_toml("offline.toml")["reaction"]
    )


def test_load_text_prefers_the_users_file(tmp_path: Path) -> None:
    builtin = load_text("offline.toml")
    assert "intro" in builtin
    (tmp_path / "offline.toml").write_text("intro = ['x']\n", encoding="utf-8")
    assert load_text("offline.toml", Settings(prompts_dir=tmp_path)) == "intro = ['x']\n"
    with pytest.raises(ConfigError):
        load_text("no-such-template.md")


def test_malformed_override_is_a_config_error_naming_the_file(card: Document, tmp_path: Path) -> None:
    bad = tmp_path / "offline.toml"
    bad.write_text('intro = ["unterminated\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        write_script(card, Settings(prompts_dir=tmp_path))
    assert str(bad) in info.value.message


@pytest.mark.parametrize(
    "content, problem",
    [
        ('reaction = ["Tell me about {budget}."]\n', "{budget}"),
        ("reaction = []\n", "non-empty"),
        ('reaction = "Right."\n', "list"),
    ],
)
def test_bad_phrase_lists_are_config_errors(card: Document, tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "offline.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        write_script(card, Settings(prompts_dir=tmp_path))
    assert problem in info.value.message and str(tmp_path / "offline.toml") in info.value.message


# --- write_script's checks ------------------------------------------------------------------


def _writer(lines: list[Line] | None = None, error: Exception | None = None) -> type:
    class Broken:
        name = "broken"

        def write(self, document: Document, settings: Settings) -> Script:
            if error:
                raise error
            return Script(title="t", description="d", lines=list(lines or []))

    return Broken


@pytest.mark.parametrize(
    "name, factory",
    [
        ("test-one-line", _writer([Line("Alex", "Hello.")])),
        ("test-stranger", _writer([Line("Alex", "Hello."), Line("Bob", "Hi.")])),
        ("test-empty-line", _writer([Line("Alex", "Hello."), Line("Sam", "   ")])),
        ("test-crash", _writer(error=RuntimeError("boom"))),
    ],
)
def test_write_script_rejects_a_broken_writer(card: Document, name: str, factory: type) -> None:
    writers.register(name, factory)
    with pytest.raises(BackendError):
        write_script(card, Settings(writer=name))


def test_write_script_accepts_a_good_hand_registered_writer(card: Document) -> None:
    writers.register("test-good", _writer([Line("Alex", "Hello."), Line("Sam", "Hi.")]))
    script = write_script(card, Settings(writer="test-good"))
    assert [line.text for line in script.lines[:2]] == ["Hello.", "Hi."]
    assert len(script.lines) == 4  # and a goodbye: the writer left it out
    assert "offline" in writers.names()


@pytest.mark.parametrize("given", [1, 2])
def test_a_writer_with_too_few_usable_lines_is_filled_by_the_offline_writer(card: Document, given: int) -> None:
    """A model that gives one or two usable lines never ends the run when the fallback is the
    offline writer (as under --llm auto): it fills what is missing, and the chapters it wrote are listed."""
    lines = [Line("Alex", "Welcome! Whisper turns speech into text."), Line("Sam", "It was trained on many hours.")]
    writers.register(f"test-thin-{given}", _writer(lines[:given]))
    script = write_script(card, Settings(writer=f"test-thin-{given}", fallback="offline", minutes=2))
    assert abs(script.word_count() - 300) <= 0.3 * 300
    headings = {spoken_heading(s.heading) for s in card.sections} | {"Welcome", "Wrap-up"}
    assert script.fallback_segments and set(script.fallback_segments) <= headings  # the offline writer's chapters
    if given == 2:  # the writer's own lines open the show
        assert script.lines[0].text.startswith("Welcome! Whisper turns speech into text.")
    with pytest.raises(BackendError, match="1 line"):  # without a fallback, as before
        write_script(card, Settings(writer="test-thin-1", fallback="none"))


# --- sentences -------------------------------------------------------------------------------


def test_sentence_splitting_keeps_abbreviations_numbers_and_initials() -> None:
    text = (
        "Smith et al. (2020) report 3.5 points, e.g. on Fig. 3 vs. the baseline. "
        "Dr. J. R. Lee agreed, i.e. mostly. The U.S. team won! Did it? Yes."
    )
    assert split_sentences(text) == [
        "Smith et al. (2020) report 3.5 points, e.g. on Fig. 3 vs. the baseline.",
        "Dr. J. R. Lee agreed, i.e. mostly.",
        "The U.S. team won!",
        "Did it?",
        "Yes.",
    ]


def test_hard_wrapped_text_is_rejoined_and_headings_split_off() -> None:
    text = (
        "Early career\n"
        "Roberts made three appearances for the senior Wales team in 1994, including two\n"
        "qualification matches against Albania. He was not selected for\n"
        "Wales again until 2000 when he made three appearances in friendlies.\n"
        "Style of play\n"
        "He was known as a strong header of the ball and a hard worker for the team.\n"
    )
    assert [s.text for s in candidates(text)] == [
        (
            "Roberts made three appearances for the senior Wales team in 1994, including two qualification "
            "matches against Albania."
        ),
        "He was not selected for Wales again until 2000 when he made three appearances in friendlies.",
        "He was known as a strong header of the ball and a hard worker for the team.",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "In Association for Computational Linguistics, pages 1870–1879 of the proceedings.",
        "He was signed by Leicester City for Â£300,000 in the summer of that year.",
        "Denoising distantly supervised open-domain question answering systems.",
        "Norwich City career. important part in one of the club's best seasons.",
        "There are 9 models of different sizes, summarized in the following table.",
        "See the release notes at https://example.com/notes for all of the details.",
        "|  tiny  |    39 M    |         ✓          |         ✓          |",
    ],
)
def test_noisy_sentences_are_not_spoken(raw: str) -> None:
    assert speakable(raw) is None


def test_markup_is_removed_but_words_are_kept() -> None:
    raw = "Following [Model Cards (Mitchell et al.)](https://arxiv.org/abs/1810.03993), we trained `large-v2` on ~10 languages (mostly English)."
    assert speakable(raw) == "Following Model Cards, we trained large-v2 on about 10 languages, mostly English."


# --- excerpts a listener would trip over (seen in real documents) ---------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "We optimize the loss as the negative log likelihood of the positive pas-Positive and negative passages.",
        "Following, we use the English Wikipedia dump from December as the source documents for answering.",
        "The agency estimates the following costs to comply: ESTIMATED COSTS Action Labor cost Parts cost.",
        "His first goal came against Israel in a friendly game, archived from the original on 8 July 2020.",
    ],
)
def test_broken_sentences_are_not_chosen(raw: str) -> None:
    filler = " The committee met in the town hall on a cold morning to talk about the new plan."
    chosen = [s.text for s in candidates(raw + filler)]
    assert raw not in chosen and chosen, chosen


def test_enumerator_brackets_read_as_words() -> None:
    said = speakable("Send it to the person identified in paragraph (q)(1) of this directive, as the rule says.")
    assert said == "Send it to the person identified in paragraph q 1 of this directive, as the rule says."


def test_a_heading_that_ends_in_a_question_mark_is_not_punctuated_twice() -> None:
    text = " ".join(["Cells grow and divide in an orderly way to replace the worn out tissue of the body."] * 3)
    doc = Document(
        "A Booklet", [Section("What is cancer?", text), Section("The breasts", text.replace("Cells", "Ducts"))]
    )
    script = write_script(doc, Settings(minutes=1))
    assert not [line.text for line in script.lines if re.search(r"[?!][.,]", line.text)]


def test_a_long_recap_names_a_few_topics_and_counts_the_rest() -> None:
    sentence = "The {0} team reviewed every report on the {0} project before the end of the long year."
    sections = [
        Section(f"Topic {name}", " ".join([sentence.format(name)] * 4))
        for name in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india")
    ]
    script = write_script(Document("Many Topics", sections), Settings(minutes=4))
    covered = (
        len(draft_for(Document("Many Topics", sections), Settings(minutes=4)).chapters) - 2
    )  # less the welcome and the wrap-up
    recap = split_sentences(script.lines[-2].text)[-1]  # the recap (what came before may have joined it)
    assert covered > 6, covered
    assert f"{covered - 4} more topics" in recap and recap.count("Topic ") == 4


def test_latin_abbreviations_are_said_in_words() -> None:
    said = speakable(
        "Relevant pairs have a smaller distance, i.e., higher similarity, than the others, e.g. in a batch."
    )
    assert said == (
        "Relevant pairs have a smaller distance, that is, higher similarity, than the others, for example, in a batch."
    )


def test_the_writer_keeps_a_suspended_hyphen_that_ingest_kept() -> None:
    """Line-end hyphens are ingest's to repair; the writer must not undo "single- and multi-"."""
    text = "Results improve further by combining the two retrievers in both single- and multi-dataset settings."
    assert [s.text for s in candidates(text)] == [text]


# --- host A's questions ------------------------------------------------------------------------


def question_fields(text: str, templates: list[str]) -> list[str] | None:
    """The words a question put into its template's placeholders, or None if no template fits."""
    for template in templates:
        parts = re.split(r"\{[a-z]+\}", template)
        found = re.fullmatch("(.+?)".join(re.escape(p) for p in parts), text)
        if found:
            return list(found.groups())
    return None


def english_questions():
    """The English question patterns, from the built-in prompts/offline.toml."""
    from podgen.prompts import load_toml
    from podgen.write.questions import patterns

    return patterns(load_toml("offline.toml")["questions"])


@pytest.mark.parametrize(
    "sentence, asked",
    [
        ("The models were trained on 680,000 hours of audio.", "How were the models trained?"),
        ("Whisper is a pre-trained model for automatic speech recognition.", "What is Whisper?"),
        (
            "Ducks have a cosmopolitan distribution, and are found on every continent except Antarctica.",
            "What should we know about ducks?",
        ),
        (
            "In practice, applications of varying complexities may need distinct sets of agents.",
            "What should we know about applications of varying complexities?",
        ),
        ("Our models perform unevenly across languages.", "What should we know about the models?"),
        ("It was lonely work.", None),  # a pronoun is no subject to ask about
    ],
)
def test_a_question_is_made_from_the_sentence_that_answers_it(sentence: str, asked: str | None) -> None:
    from podgen.write.questions import question_for

    found = question_for(sentence, {"ducks", "applications"}, english_questions())
    assert (found is None) == (asked is None)
    if found is not None:
        assert found.fields["subject"] in asked
        assert set(found.fields["subject"].lower().split()) - {"the"} <= set(sentence.lower().split())


def test_host_a_asks_content_questions_that_add_no_facts(card: Document, phrases: dict[str, list[str]]) -> None:
    from podgen.write.questions import QUESTION_KINDS as ASKING

    draft = draft_for(card, Settings(minutes=3))
    asked = 0
    for turn, answer in pairwise(draft.turns):
        for part in (p for p in turn.parts if p.kind in ASKING):
            asked += 1
            source = next(p.text for p in answer.parts if p.kind == SOURCE)
            filled = question_fields(part.text, phrases[part.kind])
            assert filled and set(words(" ".join(filled))) - {"the"} <= set(words(source)), (part.text, source)
    host_a = [t for t in draft.turns if t.speaker == 0]
    assert asked >= 0.25 * len(host_a)
    script = OfflineWriter().write(card, Settings(minutes=3))
    assert {line.kind for line in script.lines} >= {"topic", "answer"}
