# ruff: noqa: E501 - torture messages are data; their lines stay long as in the RFC
"""RFC 4475 torture messages, rewritten from the RFC's descriptions: parse, or fail precisely."""

from __future__ import annotations

import pytest

from ivrd.sip.errors import SipParseError
from ivrd.sip.message import Request, Response, parse_message
from ivrd.sip.uri import AbsoluteUri, SipUri
from tests.sip.wire import crlf

SDP_BODY = (
    "v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.3\ns=-\nc=IN IP4 192.0.2.4\nt=0 0\n"
    "m=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n"
)
SDP_LEN = len(crlf(SDP_BODY))

WSINV = crlf(
    "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
    "TO :\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
    'from   : "J Rosenberg \\\\\\"" <sip:jdrosen@example.com>\n  ;\n  tag = 98asjd8\n'
    "MaX-fOrWaRdS: 0068\n"
    "Call-ID: wsinv.ndaksdj@192.0.2.1\n"
    f"Content-Length   : {SDP_LEN}\n"
    "cseq: 0009\n  INVITE\n"
    "Via  : SIP  /   2.0\n  /UDP\n    192.0.2.2;branch=390skdjuw\n"
    "s :\n"
    "NewFangledHeader:   newfangled value\n continued newfangled value\n"
    "UnknownHeaderWithUnusualValue: ;;,,;;,;\n"
    "Content-Type: application/sdp\n"
    "Route:\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\n"
    "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n  branch  =   z9hG4bK9ikj8  ,\n"
    " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n z9hG4bK30239\n"
    'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =\n'
    "      newvalue ;\n  secondparam ; q = 0.33\n"
    "\n" + SDP_BODY
)

INTMETH = (
    "!interesting-Method0123456789_*+`.%indeed'~ "
    "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
    "(doesn't-it)@example.com SIP/2.0\n"
    "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\n"
    'To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" '
    "<sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\n"
    "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>"
    ";fromParam''~+*_!.-%=\"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439\""
    ";tag=_token~1'+`*%!-.\n"
    "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
    "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\n"
    "Max-Forwards: 255\n"
    "extensionHeader-!.%*+_`'~:\ufeff\u5927\u505c\u96fb\n"
    "Content-Length: 0\n\n"
)


def _request(data: bytes) -> Request:
    message = parse_message(data)
    assert isinstance(message, Request)
    return message


def test_wsinv_short_tortuous_invite() -> None:
    message = _request(WSINV)
    assert message.to.tag == "1918181833n"
    assert message.from_.display_name == 'J Rosenberg \\"'
    assert message.from_.tag == "98asjd8"
    assert message.max_forwards == 68
    assert (message.cseq.number, message.cseq.method) == (9, "INVITE")
    assert [(v.transport, v.host, v.branch) for v in message.vias] == [
        ("UDP", "192.0.2.2", "390skdjuw"),
        ("TCP", "spindle.example.com", "z9hG4bK9ikj8"),
        ("UDP", "192.168.255.111", "z9hG4bK30239"),
    ]
    assert message.headers.get("Subject") == ""
    assert message.headers.get("newfangledheader") == "newfangled value continued newfangled value"
    contact = message.contacts[0]
    assert contact.display_name == 'Quoted string ""'
    assert contact.params == (("newparam", "newvalue"), ("secondparam", None), ("q", "0.33"))
    assert message.body == crlf(SDP_BODY)


def test_intmeth_wide_range_of_valid_characters() -> None:
    message = _request(crlf(INTMETH))
    assert message.method == "!interesting-Method0123456789_*+`.%indeed'~"
    assert isinstance(message.uri, SipUri)
    assert message.uri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    assert message.uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
    assert message.to.display_name == "BEL:\x07 NUL:\x00 DEL:\x7f"
    assert message.from_.display_name == "token1~` token2'+_ token3*%!.-"
    assert message.from_.tag == "_token~1'+`*%!-."
    assert message.call_id == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"


def test_esc01_escaped_uris_kept_as_received() -> None:
    message = _request(
        crlf(
            "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\n"
            "To: sip:%75se%72@example.com\n"
            "From: <sip:I%20have%20spaces@example.net>;tag=938\n"
            "Max-Forwards: 87\ni: esc01.239409asdfakjkn23onasd0-3234\nCSeq: 234234 INVITE\n"
            "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\n"
            "C: application/sdp\n"
            "Contact:\n  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\n"
            "Content-Length: 0\n\n"
        )
    )
    assert isinstance(message.uri, SipUri) and message.uri.user == "sips%3Auser%40example.com"
    assert message.contacts[0].sip_uri.params == (("%6C%72", None), ("n%61me", "v%61lue%25%34%31"))


def test_escnull_escaped_nulls() -> None:
    message = _request(
        crlf(
            "REGISTER sip:example.com SIP/2.0\nTo: sip:null-%00-null@example.com\n"
            "From: sip:null-%00-null@example.com;tag=839923423\nMax-Forwards: 70\n"
            "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\nCSeq: 14398234 REGISTER\n"
            "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\n"
            "Contact: <sip:%00@host5.example.com>\nContact: <sip:%00%00@host5.example.com>\n"
            "L:0\n\n"
        )
    )
    assert [c.sip_uri.user for c in message.contacts] == ["%00", "%00%00"]


def test_esc02_percent_in_method_is_not_an_escape() -> None:
    message = _request(
        crlf(
            'RE%47IST%45R sip:registrar.example.com SIP/2.0\nTo: "%Z%45" <sip:resource@example.com>\n'
            'From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23\n'
            "Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\n"
            "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209793\nMax-Forwards: 70\n"
            "CSeq: 29344 RE%47IST%45R\nl: 0\n\n"
        )
    )
    assert message.method == "RE%47IST%45R"
    assert message.to.display_name == "%Z%45"


def test_lwsdisp_no_space_before_angle() -> None:
    message = _request(
        crlf(
            "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\n"
            "From: caller<sip:caller@example.com>;tag=323\nMax-Forwards: 70\n"
            "Call-ID: lwsdisp.1234abcd@funky.example.com\nCSeq: 60 OPTIONS\n"
            "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\nl: 0\n\n"
        )
    )
    assert message.from_.display_name == "caller"


def test_longreq_long_values() -> None:
    long = "very" * 100 + "long"
    vias = "".join(
        f"Via: SIP/2.0/TCP sip{i}.example.com;branch=z9hG4bK{long[:40]}{i}\n" for i in range(30)
    )
    message = _request(
        crlf(
            f'INVITE sip:user@example.com SIP/2.0\nTo: "I have a user name of {long}" '
            f"<sip:{long}@example.com>\nFrom: sip:amazinglylongcallername{long}@example.net"
            f";tag=12{'982' * 100};unknownheaderparam{long}=unknowheaderparamvalue{long}\n"
            f"Call-ID: longreq.one{long}@example.com\nCSeq: 3882340 INVITE\n"
            f"Unknown-{long}-Name: unknown-{long}-value;unknown-{long}-parameter-name=value\n"
            f"{vias}Max-Forwards: 70\nContact: <sip:amazinglylongcallername{long}@host5.example.net>\n"
            "Content-Length: 0\n\n"
        )
    )
    assert len(message.vias) == 30
    assert message.from_.tag == "12" + "982" * 100
    assert message.to.sip_uri.user == long


def test_dblreq_second_message_in_datagram_ignored() -> None:
    data = crlf(
        "REGISTER sip:example.com SIP/2.0\nTo: sip:j.user@example.com\n"
        "From: sip:j.user@example.com;tag=43251j3j324\nMax-Forwards: 8\n"
        "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412\nContact: sip:j.user@host.example.com\n"
        "CSeq: 8 REGISTER\nVia: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\n"
        "Content-Length: 0\n\n"
        "INVITE sip:joe@example.com SIP/2.0\nt: sip:joe@example.com\n\n"
    )
    message = _request(data)
    assert message.method == "REGISTER" and message.body == b""


def test_semiuri_semicolon_in_user_part() -> None:
    message = _request(
        crlf(
            "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\nTo: sip:j_user@example.com\n"
            "From: sip:caller@example.org;tag=33242\nMax-Forwards: 3\n"
            "Call-ID: semiuri.0ha0isndaksdj\nCSeq: 8 OPTIONS\nAccept: application/sdp, application/pkcs7-mime,\n"
            "        multipart/mixed, multipart/signed,\n        message/sip, message/sipfrag\n"
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\nl: 0\n\n"
        )
    )
    assert isinstance(message.uri, SipUri)
    assert (message.uri.user, message.uri.host, message.uri.params) == (
        "user;par=u%40example.net",
        "example.com",
        (),
    )
    assert len(message.headers.get_all("Accept")) == 6


def test_transports_unusual_via_transports() -> None:
    message = _request(
        crlf(
            "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:user@example.com\n"
            "From: <sip:caller@example.com>;tag=323\nMax-Forwards: 70\n"
            "Call-ID:  transports.kijh4akdnaqjkwendsasfdj\nAccept: application/sdp\nCSeq: 60 OPTIONS\n"
            "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\n"
            "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\n"
            "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\n"
            "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\n"
            "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\nl: 0\n\n"
        )
    )
    assert [v.transport for v in message.vias] == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]


def test_mpart01_multipart_body_kept_as_bytes() -> None:
    body = (
        b"--boundary42\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n"
        b"--boundary42\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\xff\xfe\r\n"
        b"--boundary42--\r\n"
    )
    head = crlf(
        "MESSAGE sip:kumiko@example.org SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport\n"
        "Max-Forwards: 70\nTo: <sip:kumiko@example.org>\n"
        "From: <sip:fluffy@example.com>;tag=2fb0dcc9\nCall-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..\n"
        "CSeq: 1 MESSAGE\nContent-Type: multipart/mixed;boundary=boundary42\n"
        f"Content-Length: {len(body)}\n\n"
    )
    message = _request(head + body)
    assert message.body == body and message.content_type == "multipart/mixed"


def test_unreason_utf8_reason_phrase() -> None:
    reason = "= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435"
    message = parse_message(
        crlf(
            f"SIP/2.0 200 {reason}\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
            "Call-ID: unreason.1234ksdfak3j2erwedfsASdf\nCSeq: 35 INVITE\n"
            "From: sip:user@example.com;tag=11141343\nTo: sip:user@example.edu;tag=2229\n"
            "Content-Length: 0\n\n"
        )
    )
    assert isinstance(message, Response) and message.reason == reason


def test_noreason_empty_reason_phrase() -> None:
    message = parse_message(
        crlf(
            "SIP/2.0 100 \nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
            "Call-ID: noreason.asndj203insdf99223ndf\nCSeq: 35 INVITE\n"
            "From: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\n"
            "Content-Length: 0\n\n"
        )
    )
    assert isinstance(message, Response) and (message.status, message.reason) == (100, "")


def test_unksm_unknown_uri_scheme_parses_for_416() -> None:
    message = _request(
        crlf(
            "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\n"
            "To: sip:user@example.com\nFrom: sip:caller@example.net;tag=384\nMax-Forwards: 3\n"
            "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34\nCSeq: 3923423 OPTIONS\n"
            "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\nContent-Length: 0\n\n"
        )
    )
    assert message.uri == AbsoluteUri("nobodyKnowsThisScheme", "totallyopaquecontent")


def test_bcast_broadcast_via_parses() -> None:
    message = parse_message(
        crlf(
            "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
            "Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\n"
            "Call-ID: bcast.0293postoispdfsdf\nCSeq: 30 INVITE\nFrom: sip:user@example.com;tag=11141343\n"
            "To: sip:user@example.edu;tag=2229\nContent-Length: 0\n\n"
        )
    )
    assert message.vias[1].host == "255.255.255.255"


def test_bext01_and_sdp01_parse_for_the_application_to_reject() -> None:
    base = (
        "OPTIONS sip:user@example.com SIP/2.0\nTo: sip:j_user@example.com\n"
        "From: sip:caller@example.net;tag=242etr\nMax-Forwards: 6\nCall-ID: bext01.0ha0isndaksdj\n"
        "CSeq: 8 OPTIONS\nVia: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw\n"
    )
    assert _request(crlf(base + "Require: nothing\nl: 0\n\n")).headers.get_all("Require") == [
        "nothing"
    ]
    accept = _request(crlf(base + "Accept: text/nobodyknowsthis\nl: 0\n\n"))
    assert accept.headers.get("Accept") == "text/nobodyknowsthis"


INVALID_BASE = (
    "OPTIONS sip:user@example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw\n"
    "To: sip:user@example.com\nFrom: sip:caller@example.net;tag=134161461246\n"
    "Max-Forwards: 7\nCall-ID: torture.0ha0isndaksdj\nCSeq: 8 OPTIONS\n"
)


def _invalid(old: str, new: str, tail: str = "Content-Length: 0\n\n") -> bytes:
    assert old in INVALID_BASE
    return crlf(INVALID_BASE.replace(old, new) + tail)


INVALID = {
    "badinv01": (_invalid("branch=z9hG4bKkdjuw", "branch=z9hG4bKkdjuw;;,;,,"), "Via: empty parameter"),
    "badinv01-contact": (
        _invalid("CSeq: 8 OPTIONS\n", 'CSeq: 8 OPTIONS\nContact: "Joe" <sip:joe@example.org>;;;;\n'),
        "Contact: empty parameter"),
    "clerr": (_invalid("x", "x", f"Content-Type: application/sdp\nContent-Length: 9999\n\n{SDP_BODY}"),
              f"Content-Length 9999 exceeds the {SDP_LEN} body bytes received"),
    "ncl": (_invalid("x", "x", "Content-Length: -999\n\n"), "invalid Content-Length '-999'"),
    "scalar02": (_invalid("CSeq: 8", "CSeq: 36893488147419103232"),
                 "CSeq: number 36893488147419103232 exceeds 2147483647"),
    "scalar02-max-forwards": (_invalid("Max-Forwards: 7", "Max-Forwards: 300"),
                              "Max-Forwards 300 exceeds 255"),
    "quotbal": (_invalid("To: sip:user@example.com", 'To: "Mr. J. User <sip:j.user@example.com>'),
                "unterminated quoted string in '\"Mr. J. User <sip:j.user@example.com>'"),
    "ltgtruri": (_invalid("OPTIONS sip:user@example.com", "OPTIONS <sip:user@example.com>"),
                 "Request-URI must not be enclosed in <>"),
    "lwsruri": (_invalid("OPTIONS sip:user@example.com", "OPTIONS sip:user@example.com; lr"),
                "request line must be 'Method SP Request-URI SP SIP/2.0': "
                "'OPTIONS sip:user@example.com; lr SIP/2.0'"),
    "lwsstart": (_invalid("OPTIONS sip:user@example.com", "OPTIONS  sip:user@example.com"),
                 "request line must be 'Method SP Request-URI SP SIP/2.0': "
                 "'OPTIONS  sip:user@example.com SIP/2.0'"),
    "trws": (_invalid("SIP/2.0\n", "SIP/2.0  \n"),
             "request line must be 'Method SP Request-URI SP SIP/2.0': "
             "'OPTIONS sip:user@example.com SIP/2.0  '"),
    "escruri": (_invalid("OPTIONS sip:user@example.com",
                         "OPTIONS sip:user@example.com?Route=%3Csip:example.com%3E"),
                "Request-URI must not carry headers: 'sip:user@example.com?Route=%3Csip:example.com%3E'"),
    "baddate": (_invalid("CSeq: 8 OPTIONS\n", "CSeq: 8 OPTIONS\nDate: Fri, 01 Jan 2010 16:00:00 EST\n"),
                "invalid Date 'Fri, 01 Jan 2010 16:00:00 EST' (RFC 1123 format in GMT required)"),
    "regbadct": (_invalid("CSeq: 8 OPTIONS\n",
                          "CSeq: 8 OPTIONS\nContact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\n"),
                 "Contact: URI with '?' or ',' must be enclosed in <...>"),
    "badaspec": (_invalid("To: sip:user@example.com", 'To: "Watson, Thomas" < sip:t.watson@example.org >'),
                 "To: whitespace inside <...>"),
    "baddn": (_invalid("From: sip:caller@example.net", "From: Bell, Alexander <sip:a.g.bell@example.com>"),
              "From: display name 'Bell, Alexander' must be quoted"),
    "badvers": (_invalid("SIP/2.0\n", "SIP/7.0\n"), "unsupported SIP version 'SIP/7.0'"),
    "mismatch01": (_invalid("CSeq: 8 OPTIONS", "CSeq: 8 INVITE"), "CSeq method INVITE does not match OPTIONS"),
    "mismatch02": (_invalid("OPTIONS sip:user@example.com", "NEWMETHOD sip:user@example.com"),
                   "CSeq method OPTIONS does not match NEWMETHOD"),
    "insuf": (crlf("INVITE sip:user@example.com SIP/2.0\nCSeq: 193942 INVITE\n"
                   "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\nContent-Length: 0\n\n"),
              "missing mandatory header(s): From, To, Call-ID"),
    "mcl01": (_invalid("x", "x", "Content-Length: 0\nl: 0\n\n"), "multiple Content-Length headers"),
    "multi01": (_invalid("CSeq: 8 OPTIONS\n", "CSeq: 8 OPTIONS\nTo: sip:other@example.com\n"),
                "multiple To headers"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_torture_message(name: str) -> None:
    data, error = INVALID[name]
    with pytest.raises(SipParseError) as info:
        parse_message(data)
    assert str(info.value) == error
    assert info.value.status_hint == (505 if name == "badvers" else 400)


@pytest.mark.parametrize(
    ("status_line", "error"),
    [
        ("SIP/2.0 4294967301 better not break the receiver", "invalid status code '4294967301'"),
        ("SIP/7.0 200 OK", "unsupported SIP version 'SIP/7.0'"),
    ],
)
def test_bigcode_and_bad_response_version(status_line: str, error: str) -> None:
    data = crlf(
        f"{status_line}\nVia: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
        "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\nCSeq: 353494 INVITE\n"
        "From: <sip:user@example.com>;tag=39ansfi3\nTo: <sip:user@example.edu>;tag=902jndnke3\n"
        "Content-Length: 0\n\n"
    )
    with pytest.raises(SipParseError, match="^" + error.replace("(", r"\(") + "$"):
        parse_message(data)


def test_scalar1024_response_with_overlarge_cseq() -> None:
    with pytest.raises(SipParseError, match="CSeq: number 36893488147419103232 exceeds"):
        parse_message(
            crlf(
                "SIP/2.0 503 Service Unavailable\nVia: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\n"
                "To: <sip:user@example.com>\nFrom: <sip:other@example.net>;tag=2easdjfejw\n"
                "CSeq: 36893488147419103232 OPTIONS\nCall-ID: scalar1024.39201458\nRetry-After: 949302838503028349304023988\n"
                'Warning: 1812 overture "In Progress"\nContent-Length: 0\n\n'
            )
        )


def test_zeromf_novelsc_and_register_contact_forms() -> None:
    zeromf = _request(_invalid("Max-Forwards: 7", "Max-Forwards: 0"))
    assert zeromf.max_forwards == 0
    novelsc = _request(
        _invalid("OPTIONS sip:user@example.com", "OPTIONS soap.beep://192.0.2.103:3002")
    )
    assert novelsc.uri == AbsoluteUri("soap.beep", "//192.0.2.103:3002")
    register = (
        "REGISTER sip:example.com SIP/2.0\nTo: sip:j.user@example.com\n"
        "From: sip:j.user@example.com;tag=8\nMax-Forwards: 70\nCall-ID: cparam\nCSeq: 9 REGISTER\n"
        "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw\n"
    )
    cparam01 = _request(
        crlf(register + "Contact: sip:+19725552222@gw1.example.net;unknownparam\nl: 0\n\n")
    )
    assert cparam01.contacts[0].params == (("unknownparam", None),)  # a header param, not a URI one
    cparam02 = _request(
        crlf(register + "Contact: <sip:+19725552222@gw1.example.net;unknownparam>\nl: 0\n\n")
    )
    assert cparam02.contacts[0].sip_uri.params == (("unknownparam", None),)
    regescrt = _request(
        crlf(register + "Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\nl: 0\n\n")
    )
    assert regescrt.contacts[0].sip_uri.headers == (("Route", "%3Csip:sip.example.com%3E"),)
    wildcard = _request(crlf(register + "Contact: *\nExpires: 0\nl: 0\n\n"))
    assert wildcard.contacts == [] and wildcard.headers.get("Contact") == "*"
