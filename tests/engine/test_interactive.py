"""Call Interactive answers: every verb, defaults, order, encodings and hostile or broken XML."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.engine.interactive import (
    DEFAULT_PAUSE_SECONDS,
    MAX_BODY_BYTES,
    MAX_VERBS,
    Hangup,
    InteractiveAnswer,
    InteractiveError,
    Jump,
    Pause,
    PlaySound,
    SetCaller,
    SetVar,
    SimpleTransfer,
    TextToSpeech,
    Verb,
    parse_answer,
    parse_response,
)

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def response(inner: str, declaration: str = DECLARATION) -> bytes:
    return f"{declaration}<Response>{inner}</Response>".encode()


def refused(body: bytes) -> str:
    with pytest.raises(InteractiveError) as caught:
        parse_response(body)
    return str(caught.value)


# --- verbs, defaults, order -------------------------------------------------------------------


def test_the_spec_examples_in_document_order() -> None:
    body = response(
        '<SetVar name="dst">09897987</SetVar>'
        '<SetCaller name="Ann" number="92992"/>'
        '<PlaySound where="background" digitvar="dst">'
        "ae3d969ccc49e1a7746e0b1ce36ee4176190040c.wav</PlaySound>"
        '<Pause length="15"/>'
        '<SimpleTransfer final="no" timeout="20">101,102</SimpleTransfer>'
        '<Jump context="3" option="start"/>'
        "<Hangup/>"
    )
    assert parse_response(body) == (
        SetVar("dst", "09897987"),
        SetCaller("Ann", "92992"),
        PlaySound("ae3d969ccc49e1a7746e0b1ce36ee4176190040c.wav", "background", "dst"),
        Pause(15),
        SimpleTransfer(("101", "102"), final=False, timeout=20),
        Jump(3, "start"),
        Hangup(),
    )


def test_defaults() -> None:
    body = response(
        "<Pause/>"
        '<Jump context="7"/>'
        "<PlaySound>hello.wav</PlaySound>"
        "<SimpleTransfer>050</SimpleTransfer>"
        "<TextToSpeech>Hello</TextToSpeech>"
        '<SetCaller number="100"/>'
        '<SetCaller name="Bob"/>'
        '<SetVar name="empty"/>'
    )
    assert parse_response(body) == (
        Pause(DEFAULT_PAUSE_SECONDS),
        Jump(7, "start"),
        PlaySound("hello.wav", "foreground", None),
        SimpleTransfer(("050",), final=True, timeout=None),
        TextToSpeech("Hello", None),
        SetCaller(None, "100"),
        SetCaller("Bob", None),
        SetVar("empty", ""),
    )
    assert DEFAULT_PAUSE_SECONDS == 10
    assert Pause() == Pause(10) and Jump(1) == Jump(1, "start")


def test_text_to_speech_with_a_voice_and_cyrillic_text() -> None:
    body = response(
        '<TextToSpeech voice="alena">\n  Здравствуйте,\n  вы позвонили  </TextToSpeech>'
    )
    assert parse_response(body) == (TextToSpeech("Здравствуйте, вы позвонили", "alena"),)


@pytest.mark.parametrize(
    ("value", "final"),
    [
        ("yes", True),
        ("no", False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("YES", True),
        (" No ", False),
        ("False", False),
    ],
)
def test_simple_transfer_final_spellings(value: str, final: bool) -> None:
    (verb,) = parse_response(response(f'<SimpleTransfer final="{value}">101</SimpleTransfer>'))
    assert verb == SimpleTransfer(("101",), final=final)


def test_simple_transfer_numbers_are_trimmed_and_empty_items_dropped() -> None:
    (verb,) = parse_response(
        response("<SimpleTransfer> 101 , +79876543210,,000*071, </SimpleTransfer>")
    )
    assert verb == SimpleTransfer(("101", "+79876543210", "000*071"))


def test_jump_to_a_digit_option_and_keywords() -> None:
    body = response('<Jump context="2" option="100"/><Jump context="2" option="invalid"/>')
    assert parse_response(body) == (Jump(2, "100"), Jump(2, "invalid"))


def test_empty_response_has_no_verbs() -> None:
    assert parse_response(response("")) == ()
    assert parse_response(b"<Response/>") == ()


# --- whitespace, comments, unknown elements ---------------------------------------------------


def test_pretty_printed_answer_with_stray_leading_newline() -> None:
    body = (
        b"\r\n  " + DECLARATION.encode() + b"\n<Response>\n"
        b'  <!-- greet first -->\n  <SetVar name=" dst "> 09 <!-- x --> 87 </SetVar>\n'
        b'  <Pause length=" 3 "/>\n  <Hangup>  </Hangup>\n</Response>\n'
    )
    assert parse_response(body) == (SetVar("dst", "09  87"), Pause(3), Hangup())


def test_unknown_elements_are_skipped_and_reported() -> None:
    body = response(
        '<Record maxlength="5"/><Pause length="1"/><hangup/><x:Hangup xmlns:x="urn:x"/><Hangup/>'
    )
    assert parse_answer(body) == InteractiveAnswer(
        verbs=(Pause(1), Hangup()), skipped=("Record", "hangup", "{urn:x}Hangup")
    )


def test_unknown_attributes_on_known_verbs_are_ignored() -> None:
    assert parse_response(response('<Pause length="2" loop="3"/>')) == (Pause(2),)


# --- encodings --------------------------------------------------------------------------------


def test_utf8_cyrillic() -> None:
    body = response('<SetVar name="greeting">Добрый день</SetVar><SetCaller name="Анна"/>')
    assert parse_response(body) == (SetVar("greeting", "Добрый день"), SetCaller("Анна"))


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r", "utf-16"])
def test_declared_encodings(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?><Response><SetVar name="a">Привет</SetVar>'
    body = (text + "</Response>").encode(encoding)
    assert parse_response(body) == (SetVar("a", "Привет"),)


def test_utf8_byte_order_mark() -> None:
    assert parse_response(b"\xef\xbb\xbf" + response("<Hangup/>")) == (Hangup(),)


def test_unsupported_and_wrong_encodings() -> None:
    shift_jis = '<?xml version="1.0" encoding="shift_jis"?>'
    assert refused(response("<Hangup/>", shift_jis)) == (
        "XML: unsupported encoding (multi-byte encodings are not supported)"
    )
    bogus = '<?xml version="1.0" encoding="bogus-8"?>'
    assert refused(response("<Hangup/>", bogus)) == (
        "XML: unsupported encoding (unknown encoding: bogus-8)"
    )
    latin = '<Response><SetVar name="a">Привет</SetVar></Response>'.encode("windows-1251")
    assert refused(latin).startswith("XML: malformed (not well-formed (invalid token): line 1")


# --- malformed and hostile --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "body: empty"),
        (b" \r\n\t", "body: empty"),
        (b"OK", "XML: malformed (syntax error: line 1, column 0)"),
        (b"<Response>", "XML: malformed (no element found: line 1, column 10)"),
        (b"<Response><Hangup></Response>", "XML: malformed (mismatched tag: line 1, column 20)"),
        (
            b"<Response/><Response/>",
            "XML: malformed (junk after document element: line 1, column 11)",
        ),
        (b"<Response>&nbsp;</Response>", "XML: malformed (undefined entity: line 1, column 10)"),
        (b'{"verbs": []}', "XML: malformed (not well-formed (invalid token): line 1, column 0)"),
        (b"<response><Hangup/></response>", "root element must be <Response>, got <response>"),
        (b"<Answer/>", "root element must be <Response>, got <Answer>"),
        (b'<Response xmlns="urn:x"/>', "root element must be <Response>, got <{urn:x}Response>"),
    ],
)
def test_malformed_and_wrong_root(body: bytes, message: str) -> None:
    assert refused(body) == message


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']>\n<Response><SetVar name="a">&lol9;</SetVar></Response>'
)


def test_billion_laughs_is_refused() -> None:
    assert b"<!ENTITY lol9" in BILLION_LAUGHS
    assert refused(BILLION_LAUGHS) == "XML: a DTD is not allowed"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Response><SetVar name="a">&x;</SetVar></Response>',
        b'<!DOCTYPE Response SYSTEM "http://127.0.0.1:9/evil.dtd"><Response/>',
        b'<!DOCTYPE Response [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]><Response/>',
        b"<!DOCTYPE Response><Response/>",
    ],
)
def test_external_entities_and_any_dtd_are_refused(body: bytes) -> None:
    assert refused(body) == "XML: a DTD is not allowed"


def test_size_cap_is_checked_before_parsing() -> None:
    head, tail = response("<Hangup/><Pause/>").split(b"<Pause/>")
    filler = b" " * (MAX_BODY_BYTES - len(head) - len(tail))
    exactly = head + filler + tail
    assert len(exactly) == MAX_BODY_BYTES
    assert parse_response(exactly) == (Hangup(),)
    over = exactly + b" "
    assert refused(over) == f"body: {MAX_BODY_BYTES + 1} bytes is over the 65536-byte limit"
    assert refused(b"<" * (10 * MAX_BODY_BYTES)).startswith("body: 655360 bytes is over")


def test_verb_count_cap_counts_unknown_elements_too() -> None:
    assert len(parse_response(response("<Hangup/>" * MAX_VERBS))) == MAX_VERBS
    assert refused(response("<Hangup/>" * MAX_VERBS + "<Unknown/>")) == (
        f"at most {MAX_VERBS} verbs, got {MAX_VERBS + 1}"
    )


# --- attribute errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        ('<Pause length="-1"/>', "<Pause> length: must be a whole number of seconds, got '-1'"),
        ('<Pause length="1.5"/>', "<Pause> length: must be a whole number of seconds, got '1.5'"),
        ('<Pause length=""/>', "<Pause> length: must be a whole number of seconds, got ''"),
        ('<Pause length="١"/>', "<Pause> length: must be a whole number of seconds, got '١'"),
        (
            '<Pause length="9999999999"/>',
            "<Pause> length: must be a whole number of seconds, got '9999999999'",
        ),
        ('<Pause length="3601"/>', "<Pause> length: must be between 0 and 3600 seconds, got 3601"),
        ("<Pause>5</Pause>", "<Pause> must be empty, got text '5'"),
        ("<Hangup>now</Hangup>", "<Hangup> must be empty, got text 'now'"),
        ("<Hangup><Pause/></Hangup>", "<Hangup> must not contain elements"),
        ("<SetVar>1</SetVar>", "<SetVar> name: required"),
        (
            '<SetVar name="1dst">1</SetVar>',
            "<SetVar> name: must be a variable name (a latin letter, then latin letters, "
            "digits or _; at most 64), got '1dst'",
        ),
        (
            '<SetVar name="имя">1</SetVar>',
            "<SetVar> name: must be a variable name (a latin letter, then latin letters, "
            "digits or _; at most 64), got 'имя'",
        ),
        ('<SetVar name="a"><b/></SetVar>', "<SetVar> must not contain elements"),
        ("<Jump/>", "<Jump> context: required"),
        ('<Jump context="x"/>', "<Jump> context: must be a context id (a whole number), got 'x'"),
        ('<Jump context="0"/>', "<Jump> context: must be a context id (1 or more), got 0"),
        (
            '<Jump context="3" option="main"/>',
            "<Jump> option: must be start, timeout, invalid or digits, got 'main'",
        ),
        ("<SetCaller/>", "<SetCaller> needs a name or a number"),
        (
            '<SetCaller number="+7 987"/>',
            "<SetCaller> number: must be 1-64 of A-Z a-z 0-9 + * # . _ -, got '+7 987'",
        ),
        (
            '<SetCaller name="Ann&#10;Via: x"/>',
            "<SetCaller> name: must be at most 128 printable characters, got 'Ann\\nVia: x'",
        ),
        ("<PlaySound/>", "<PlaySound> text: must name a stored sound file"),
        (
            "<PlaySound>../../etc/passwd</PlaySound>",
            "<PlaySound> text: must be a plain file name (no path), got '../../etc/passwd'",
        ),
        (
            "<PlaySound>..</PlaySound>",
            "<PlaySound> text: must be a plain file name (no path), got '..'",
        ),
        (
            '<PlaySound where="middle">a.wav</PlaySound>',
            "<PlaySound> where: must be background or foreground, got 'middle'",
        ),
        (
            '<PlaySound digitvar="dst">a.wav</PlaySound>',
            "<PlaySound> digitvar: only allowed with where=background",
        ),
        (
            '<PlaySound where="background" digitvar="d-st">a.wav</PlaySound>',
            "<PlaySound> digitvar: must be a variable name (a latin letter, then latin letters, "
            "digits or _; at most 64), got 'd-st'",
        ),
        ("<SimpleTransfer/>", "<SimpleTransfer> text: needs at least one number"),
        (
            "<SimpleTransfer> , </SimpleTransfer>",
            "<SimpleTransfer> text: needs at least one number",
        ),
        (
            "<SimpleTransfer>101;102</SimpleTransfer>",
            "<SimpleTransfer> text: '101;102' is not a number (digits, * and #, "
            "an optional leading +)",
        ),
        (
            "<SimpleTransfer>sip:a@b</SimpleTransfer>",
            "<SimpleTransfer> text: 'sip:a@b' is not a number (digits, * and #, "
            "an optional leading +)",
        ),
        (
            "<SimpleTransfer>" + ",".join(["1"] * 101) + "</SimpleTransfer>",
            "<SimpleTransfer> text: at most 100 numbers, got 101",
        ),
        (
            '<SimpleTransfer final="maybe">1</SimpleTransfer>',
            "<SimpleTransfer> final: must be yes/no, true/false or 1/0, got 'maybe'",
        ),
        (
            '<SimpleTransfer timeout="0">1</SimpleTransfer>',
            "<SimpleTransfer> timeout: must be between 1 and 3600 seconds, got 0",
        ),
        (
            '<SimpleTransfer timeout="20s">1</SimpleTransfer>',
            "<SimpleTransfer> timeout: must be a whole number of seconds, got '20s'",
        ),
        ("<TextToSpeech>  </TextToSpeech>", "<TextToSpeech> text: must not be empty"),
        (
            "<TextToSpeech>" + "a" * 4001 + "</TextToSpeech>",
            "<TextToSpeech> text: at most 4000 characters, got 4001",
        ),
        (
            '<TextToSpeech voice="a voice">hi</TextToSpeech>',
            "<TextToSpeech> voice: must be 1-64 of A-Z a-z 0-9 _ . -, got 'a voice'",
        ),
    ],
)
def test_attribute_errors_name_the_verb_and_attribute(inner: str, message: str) -> None:
    assert refused(response("<Hangup/>" + inner)) == f"verb 2 {message}"


def test_a_bad_verb_refuses_the_whole_answer_even_after_good_ones() -> None:
    body = response('<SetVar name="a">1</SetVar><Pause length="x"/><Hangup/>')
    with pytest.raises(InteractiveError, match=r"^verb 2 <Pause> length"):
        parse_answer(body)


def test_verbs_validate_on_construction() -> None:
    with pytest.raises(InteractiveError, match=r"^length: must be between 0 and 3600"):
        Pause(-1)
    with pytest.raises(InteractiveError, match=r"^name: must be a variable name"):
        SetVar("", "x")
    with pytest.raises(InteractiveError, match=r"^text: needs at least one number$"):
        SimpleTransfer(())


# --- properties -------------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
WORDS = st.lists(
    st.from_regex(r"[A-Za-zА-Яа-я0-9,.!?]{1,8}", fullmatch=True), min_size=1, max_size=5
)
NUMBER = st.from_regex(r"\+?[0-9*#]{1,12}", fullmatch=True)

VERBS: st.SearchStrategy[Verb] = st.one_of(
    st.just(Hangup()),
    st.builds(Pause, st.integers(0, 3600)),
    st.builds(SetVar, NAMES, TEXT.map(str.strip)),
    st.builds(Jump, st.integers(1, 10**6), st.sampled_from(["start", "timeout", "7", "100"])),
    st.builds(SetCaller, st.just("Ann"), st.one_of(st.none(), NUMBER)),
    st.builds(PlaySound, st.just("a.wav"), st.just("background"), st.one_of(st.none(), NAMES)),
    st.builds(PlaySound, st.from_regex(r"[a-f0-9]{1,40}\.wav", fullmatch=True)),
    st.builds(
        SimpleTransfer,
        st.lists(NUMBER, min_size=1, max_size=5).map(tuple),
        st.booleans(),
        st.one_of(st.none(), st.integers(1, 3600)),
    ),
    st.builds(TextToSpeech, WORDS.map(" ".join), st.one_of(st.none(), st.just("alena"))),
)


def to_xml(verb: Verb) -> str:
    """A test-side serializer: the XML a customer's server would send for ``verb``."""

    def element(tag: str, text: str = "", **attributes: object) -> str:
        attrs = "".join(f" {k}={quoteattr(str(v))}" for k, v in attributes.items() if v is not None)
        return f"<{tag}{attrs}>{escape(text)}</{tag}>"

    match verb:
        case Hangup():
            return "<Hangup/>"
        case Pause(seconds):
            return element("Pause", length=seconds)
        case SetVar(name, value):
            return element("SetVar", value, name=name)
        case Jump(context, option):
            return element("Jump", context=context, option=option)
        case SetCaller(name, number):
            return element("SetCaller", name=name, number=number)
        case PlaySound(filename, where, digitvar):
            return element("PlaySound", filename, where=where, digitvar=digitvar)
        case SimpleTransfer(numbers, final, timeout):
            flag = "yes" if final else "no"
            return element("SimpleTransfer", ",".join(numbers), final=flag, timeout=timeout)
        case TextToSpeech(text, voice):
            return element("TextToSpeech", text, voice=voice)
    raise AssertionError(verb)


@settings(max_examples=200, deadline=None)
@given(st.lists(VERBS, max_size=8))
def test_serialized_verbs_parse_back_in_order(verbs: list[Verb]) -> None:
    assert parse_response(response("\n".join(to_xml(verb) for verb in verbs))) == tuple(verbs)


GOOD = response(
    '<SetVar name="a">1</SetVar><Pause length="2"/><SimpleTransfer>1,2</SimpleTransfer>'
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.just(GOOD)), st.data())
def test_any_mangled_body_parses_or_raises_interactive_error(
    body: bytes, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(body)))
    noise = data.draw(st.binary(max_size=4))
    mangled = body[:cut] + noise + body[cut + len(noise) :]
    try:
        verbs = parse_response(mangled)
    except InteractiveError as exc:
        assert str(exc)
    else:
        assert all(isinstance(verb, Verb) for verb in verbs)
