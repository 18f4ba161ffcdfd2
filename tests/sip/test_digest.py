"""Digest authentication against RFC 2617 §3.5's worked example and round trips."""

from __future__ import annotations

import pytest

from ivrd.sip.digest import (
    Challenge,
    Credentials,
    DigestError,
    authorize,
    compute_response,
    verify,
)

RFC2617_AUTHORIZATION = (
    'Digest username="Mufasa", realm="testrealm@host.com", '
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, '
    'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", '
    'opaque="5ccc069c403ebaf9f0171e9517f40e41"'
)


def test_rfc2617_example_verifies() -> None:
    credentials = Credentials.parse(RFC2617_AUTHORIZATION)
    assert credentials.username == "Mufasa" and credentials.nc == "00000001"
    assert compute_response(credentials, "GET", "Circle Of Life") == (
        "6629fae49393a05397450978507c4ef1"
    )
    assert verify(credentials, "GET", "Circle Of Life")
    assert not verify(credentials, "GET", "circle of life")
    assert not verify(credentials, "POST", "Circle Of Life")


def test_client_authorize_reproduces_rfc2617_example() -> None:
    challenge = Challenge.parse(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )
    credentials = authorize(
        challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b"
    )
    assert credentials.response == "6629fae49393a05397450978507c4ef1"
    assert Credentials.parse(str(credentials)) == credentials


def test_challenge_round_trip_and_register_flow() -> None:
    challenge = Challenge("ivrd", "n0nce", opaque="op", stale=True)
    assert str(challenge) == (
        'Digest realm="ivrd", nonce="n0nce", opaque="op", algorithm=MD5, qop="auth", stale=true'
    )
    assert Challenge.parse(str(challenge)) == challenge
    sent = authorize(challenge, "REGISTER", "sip:127.0.0.1:5070", "000*002", "secret", "c1", 2)
    received = Credentials.parse(str(sent))
    assert received.nc == "00000002"
    assert verify(received, "REGISTER", "secret")
    assert not verify(received, "REGISTER", "wrong")


@pytest.mark.parametrize("algorithm", ["MD5-sess", "SHA-256", "SHA-256-sess"])
def test_other_algorithms_round_trip(algorithm: str) -> None:
    challenge = Challenge("r", "n", algorithm=algorithm)
    credentials = authorize(challenge, "REGISTER", "sip:h", "u", "p", "cn")
    assert len(credentials.response) == (32 if algorithm.startswith("MD5") else 64)
    assert verify(Credentials.parse(str(credentials)), "REGISTER", "p")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("NoOneKnowsThisScheme opaque-data=here",
         "unsupported authentication scheme 'NoOneKnowsThisScheme'"),
        ('Digest username="u", realm="r"', "Authorization is missing nonce, uri, response"),
        ('Digest username="u", realm="r", nonce="n", uri="s", response="x"',
         "Authorization must use qop=auth with a cnonce"),
        ('Digest username="u", realm="r", nonce="n", uri="s", response="x", qop=auth, '
         'cnonce="c", nc=1', "invalid nonce count '1'"),
        ('Digest username="u", username="v"', "duplicate digest parameter 'username'"),
        ("Digest username", "invalid digest parameter 'username'"),
    ],
)  # fmt: skip
def test_credentials_errors(value: str, error: str) -> None:
    with pytest.raises(DigestError) as info:
        Credentials.parse(value)
    assert str(info.value) == error


def test_challenge_errors_and_unknown_algorithm() -> None:
    with pytest.raises(DigestError, match="challenge without nonce"):
        Challenge.parse('Digest realm="r"')
    with pytest.raises(DigestError, match="offers no qop=auth"):
        Challenge.parse('Digest realm="r", nonce="n", qop="auth-int"')
    credentials = Credentials("u", "r", "n", "s", "x", "c", algorithm="SHA-512-256")
    with pytest.raises(DigestError, match="unsupported digest algorithm 'SHA-512-256'"):
        verify(credentials, "REGISTER", "p")
