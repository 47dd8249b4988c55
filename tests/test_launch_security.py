"""Refused launches: the id_token's format, signature, keys and claims.

One case per row of LTI_SECURITY.md table (b) (the `rowNN` in each test id or name). Every
token is real: signed with the platform key after a real login, or forged the way an
attacker would forge it. Each refusal checks the status, the logged reason and that no
session was created (the `refused` fixture).
"""

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timedelta

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import RSAAlgorithm

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.claims import (
    CONTEXT,
    DEEP_LINKING_SETTINGS,
    DEPLOYMENT_ID,
    MESSAGE_TYPE,
    RESOURCE_LINK,
    ROLES,
    TARGET_LINK_URI,
    VERSION,
)
from lti_tool.models import Deployment, LaunchState, PlatformKeyCache
from tests.platform_fixture import TestPlatform, drop, put, timed

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TRUSTED_AUD = "https://lms.test/reporting"


def segment(value) -> str:
    """Encode one JWS segment the way an attacker would hand-build it."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@pytest.fixture
def lms_with_extras(lms):
    """The test LMS with a trusted extra audience and a second approved deployment."""
    lms.record.extra_audiences = [TRUSTED_AUD]
    db.session.add(Deployment(platform_id=lms.record.id, deployment_id="deployment-2"))
    db.session.commit()
    return lms


def _audiences_without_azp(claims):
    claims.update(aud=["client-1", TRUSTED_AUD])
    del claims["azp"]


@pytest.mark.parametrize(
    ("change", "reason", "status"),
    [
        pytest.param(put({VERSION: "11.3"}), "version_invalid", 401, id="row03-version-11.3"),
        pytest.param(put({VERSION: "2.3"}), "version_invalid", 401, id="row03-version-2.3"),
        pytest.param(put({VERSION: "1.2.0"}), "version_invalid", 401, id="row03-version-1.2.0"),
        pytest.param(drop(VERSION), "version_missing", 401, id="row04-no-version"),
        pytest.param(
            drop(MESSAGE_TYPE, VERSION, ROLES), "version_missing", 401, id="row06-lti-claims"
        ),
        pytest.param(put({"iat": 11111, "exp": 22222}), "token_expired", 401, id="row07-times"),
        pytest.param(drop(MESSAGE_TYPE), "message_type_missing", 401, id="row08-message-type"),
        pytest.param(drop(ROLES), "roles_missing", 401, id="row09-no-roles"),
        pytest.param(drop(DEPLOYMENT_ID), "deployment_id_missing", 401, id="row10-deployment"),
        pytest.param(drop(RESOURCE_LINK), "resource_link_id_missing", 401, id="row11-link"),
        pytest.param(put({"sub": ""}), "sub_invalid", 401, id="row12-empty-sub"),
        pytest.param(put({"aud": "WRONG_CLIENTID"}), "aud_mismatch", 401, id="row18-wrong-aud"),
        pytest.param(
            put({"aud": ["WRONG_CLIENTID", "ClientId2"]}), "aud_mismatch", 401, id="row19-auds"
        ),
        pytest.param(
            put({"aud": ["client-1", TRUSTED_AUD], "azp": TRUSTED_AUD}),
            "azp_mismatch", 401, id="row20-wrong-azp",
        ),
        pytest.param(_audiences_without_azp, "azp_mismatch", 401, id="row22-auds-no-azp"),
        pytest.param(
            put({"aud": ["client-1", "evil"], "azp": "client-1"}),
            "aud_untrusted", 401, id="row23-untrusted-aud",
        ),
        pytest.param(
            put({"aud": ["client-1", {"not": "a string"}], "azp": "client-1"}),
            "aud_untrusted", 401, id="row23-aud-not-a-string",
        ),
        pytest.param(
            put({"iss": "https://unknown-lms.test"}), "iss_mismatch", 401, id="row25-unknown-iss"
        ),
        pytest.param(timed(iat=-400, exp=-300), "token_expired", 401, id="row32-exp-5min-ago"),
        pytest.param(timed(iat=3600, exp=3900), "iat_in_future", 401, id="row33-iat-in-1h"),
        pytest.param(timed(iat=-900, exp=300), "iat_too_old", 401, id="row34-stale-iat"),
        pytest.param(drop("nonce"), "nonce_missing", 401, id="row35-no-nonce"),
        pytest.param(
            lambda c: c.update(nonce=secrets.token_urlsafe(32)),
            "nonce_mismatch", 401, id="row36-foreign-nonce",
        ),
        pytest.param(put({"nonce": "nonce-é"}), "nonce_mismatch", 401, id="row36-non-ascii"),
        pytest.param(
            put({DEPLOYMENT_ID: "deployment-2"}), "deployment_mismatch", 401, id="row43-dep"
        ),
        pytest.param(
            put({TARGET_LINK_URI: "https://tool.test/lti/launch?page=grades"}),
            "target_link_uri_mismatch", 401, id="row44-other-target",
        ),
        pytest.param(
            put({TARGET_LINK_URI: "https://evil.example/lti/launch"}),
            "target_link_uri_mismatch", 401, id="row44-foreign-target",
        ),
        pytest.param(
            put({MESSAGE_TYPE: "LtiFooRequest"}), "message_type_unsupported", 401, id="row46"
        ),
        pytest.param(put({CONTEXT: {"title": "No id"}}), "context_id_missing", 401, id="E8"),
    ],
)
def test_signed_launch_with_bad_claims_is_refused(lms_with_extras, refused, change, reason,
                                                  status):
    refused(lms_with_extras.launch_with(change), reason, status)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_row34_stale_iat_is_refused_whatever_the_server_time_zone(lms, refused,
                                                                  server_time_zone, zone):
    server_time_zone(zone)
    refused(lms.launch_with(timed(iat=-900, exp=300)), "iat_too_old")


def test_row12_anonymous_launch_gets_a_page_that_says_what_to_do(lms, refused):
    response = lms.launch_with(drop("sub"))
    refused(response, "anonymous_launch", 403)
    assert "The tool needs to know who you are" in response.text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param(drop(DEEP_LINKING_SETTINGS), "deep_linking_settings_missing", id="none"),
        pytest.param(
            lambda c: c[DEEP_LINKING_SETTINGS].pop("deep_link_return_url"),
            "deep_linking_settings_missing", id="no-return-url",
        ),
        pytest.param(
            lambda c: c[DEEP_LINKING_SETTINGS].update(accept_types=["link", "html"]),
            "message_invalid", id="no-resource-link-type",
        ),
    ],
)
def test_row47_deep_linking_request_without_usable_settings_is_refused(lms, refused, change,
                                                                       reason):
    refused(lms.launch_with(change, user_id="instructor-1", message="deep_link"), reason)


# --- Format (rows 5, 31, 53) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_token", "reason"),
    [
        pytest.param('{"name":"badltilaunch"}', "id_token_malformed", id="row05-not-a-jws"),
        pytest.param(segment({"alg": "RS256"}) + "." + segment({}), "id_token_malformed",
                     id="row31-two-parts"),
        pytest.param("a.b.c.d", "id_token_malformed", id="row31-four-parts"),
        pytest.param("!!!." + segment({}) + ".c2ln", "id_token_malformed",
                     id="row31-header-not-base64"),
        pytest.param(segment(["RS256"]) + "." + segment({}) + ".c2ln", "id_token_malformed",
                     id="row31-header-not-an-object"),
        pytest.param("", "id_token_missing", id="no-id-token"),
    ],
)
def test_malformed_id_token_is_refused_with_400(lms, refused, id_token, reason):
    refused(lms.launch_forged(lambda _claims: id_token), reason, 400)


def test_row53_id_token_over_64_kb_is_refused_with_413(lms, refused):
    response = lms.launch_with(put({"https://lms.test/padding": "x" * 70_000}))
    refused(response, "id_token_too_large", 413)


def test_row53_two_megabyte_launch_post_is_refused_with_413_before_any_check(lms, caplog):
    claims, state = lms.claims_for(lms.login())
    claims["https://lms.test/padding"] = "x" * 1_500_000
    response = lms.post_launch({"id_token": lms.platform.sign(claims), "state": state})
    assert response.status_code == 413
    assert 'name="launch_token"' not in response.text
    assert not [r for r in caplog.records if r.name == "lti_tool.services.launches"]
    assert db.session.get(LaunchState, state) is not None  # the state was not even read


# --- Header and signature (rows 1, 26-30) ----------------------------------------------------


def test_row01_token_without_kid_is_refused(lms, refused, platform_key_pair):
    def no_kid(claims):
        return jwt.encode(claims, platform_key_pair[0], "RS256", headers={"junk": "x"})

    refused(lms.launch_forged(no_kid), "kid_missing")


def test_row26_alg_none_is_refused(lms, refused):
    def unsigned(claims):
        return f"{segment({'alg': 'none', 'kid': lms.platform.kid})}.{segment(claims)}."

    refused(lms.launch_forged(unsigned), "alg_not_allowed")


@pytest.mark.parametrize("secret_form", ["pem", "jwk"])
def test_row27_hs256_signed_with_the_platform_public_key_is_refused(lms, refused,
                                                                    platform_key_pair,
                                                                    secret_form):
    secret = (
        platform_key_pair[1] if secret_form == "pem" else json.dumps(lms.platform.jwks()["keys"][0])
    ).encode()

    def hmac_signed(claims):
        signing_input = f"{segment({'alg': 'HS256', 'kid': lms.platform.kid})}.{segment(claims)}"
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    refused(lms.launch_forged(hmac_signed), "alg_not_allowed")


@pytest.mark.parametrize("alg", ["ES256", "RS512"])
def test_row28_algorithm_other_than_rs256_is_refused(lms, refused, platform_key_pair, alg):
    key = ec.generate_private_key(ec.SECP256R1()) if alg == "ES256" else platform_key_pair[0]
    forged = lms.launch_forged(lambda c: jwt.encode(c, key, alg, headers={"kid": lms.platform.kid}))
    refused(forged, "alg_not_allowed")


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        pytest.param(lambda key: {**key, "alg": "RS512"}, "alg_key_mismatch", id="row28-rs512"),
        pytest.param(lambda key: {**key, "kty": "EC"}, "alg_key_mismatch", id="row28-kty-ec"),
        pytest.param(lambda key: {"kty": "RSA", "kid": key["kid"]}, "platform_key_invalid",
                     id="no-modulus"),
    ],
)
def test_platform_key_that_does_not_fit_rs256_is_refused(lms, refused, monkeypatch, published,
                                                         reason):
    """The LMS publishes, under the token's kid, a key that cannot verify an RS256 token."""
    key = published(lms.platform.jwks()["keys"][0])
    monkeypatch.setattr(lms.platform, "jwks", lambda: {"keys": [key]})
    refused(lms.launch(), reason)


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u"])
def test_row29_token_naming_its_own_key_is_refused_and_that_key_never_fetched(
    lms, refused, mocked_network, other_key_pair, header
):
    attacker_url = "https://attacker.test/keys.json"
    attacker_jwk = RSAAlgorithm.to_jwk(load_pem_public_key(other_key_pair[1].encode()),
                                       as_dict=True)
    attacker_jwk["kid"] = lms.platform.kid
    mocked_network.add(responses.GET, attacker_url, json={"keys": [attacker_jwk]})
    headers = {"kid": lms.platform.kid, header: attacker_jwk if header == "jwk" else attacker_url}

    response = lms.launch_forged(lambda c: jwt.encode(c, other_key_pair[0], "RS256", headers))

    refused(response, "signature_invalid")
    assert not [call for call in mocked_network.calls if "attacker.test" in call.request.url]


def test_row30_tampered_payload_is_refused(lms, refused):
    def tampered(claims):
        header, _, signature = lms.platform.sign(claims).split(".")
        claims[ROLES] = [INSTRUCTOR]
        return f"{header}.{segment(claims)}.{signature}"

    refused(lms.launch_forged(tampered), "signature_invalid")


# --- Registration and deployment (rows 24, 42) ----------------------------------------------


def test_row24_token_of_another_registered_platform_is_refused_for_this_login(
    app, client, mocked_network, lms, refused, other_key_pair
):
    other = TestPlatform.register(app, client, mocked_network, other_key_pair,
                                  issuer="https://other-lms.test", client_id="client-2",
                                  deployment_id="dep-2")

    def signed_by_other(claims):  # login and nonce from A, identity and signature from B
        claims.update(iss=other.platform.issuer, aud="client-2", azp="client-2")
        claims[DEPLOYMENT_ID] = "dep-2"
        return other.platform.sign(claims)

    refused(lms.launch_forged(signed_by_other), "iss_mismatch")


def test_row42_unknown_deployment_is_refused_403_and_recorded_as_pending_for_approval(
    lms, refused
):
    """This product records a new deployment of a known client for an admin to approve."""
    for _ in range(2):  # a relaunch waits too, and records the deployment once
        response = lms.launch_with(put({DEPLOYMENT_ID: "deployment-new"}),
                                   params={"lti_deployment_id": "deployment-new"})
        refused(response, "deployment_pending", 403)
        assert "awaits approval" in response.text
    pending = db.session.execute(
        db.select(Deployment).filter_by(deployment_id="deployment-new")
    ).scalar_one()
    assert pending.status == "pending"


def test_launch_into_a_disabled_deployment_is_refused_403(lms, refused):
    lms.record.deployments[0].status = "disabled"
    db.session.commit()
    refused(lms.launch(), "deployment_disabled", 403)


def test_launch_for_a_registration_disabled_after_login_is_refused_403(lms, refused):
    login = lms.login()
    lms.record.enabled = False
    db.session.commit()
    response = lms.post_launch(lms.authorize(login))
    refused(response, "registration_disabled", 403)
    assert "This tool is turned off here" in response.text


# --- Platform keys (rows 2, 50, 51) -----------------------------------------------------------


def age_key_cache(lms, app, *, expire=False) -> None:
    """Move the last key-set fetch back past the refetch interval, as if that time had passed."""
    row = db.session.get(PlatformKeyCache, lms.record.id)
    row.last_attempt_at -= timedelta(seconds=app.config["JWKS_MIN_REFETCH_SECONDS"] + 1)
    if expire:
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_row02_unknown_kid_refetches_the_key_set_once_then_is_refused(app, lms, refused):
    lms.launch()
    age_key_cache(lms, app)
    refused(lms.launch_with(headers={"kid": "imstester_66067"}), "kid_unknown", users=1)
    assert lms.jwks_fetches == 2
    refused(lms.launch_with(headers={"kid": "imstester_66068"}), "kid_unknown", users=1)
    assert lms.jwks_fetches == 2


def test_rotated_platform_key_is_found_by_the_refetch_on_its_unknown_kid(
    app, lms, other_key_pair
):
    lms.launch()
    lms.rotate_key(other_key_pair)
    age_key_cache(lms, app)
    landing, _ = lms.land(lms.launch("student-02"))
    assert "Tutoring" in landing.text
    assert lms.jwks_fetches == 2


@pytest.mark.parametrize("keys_cached", [False, True], ids=["cold-cache", "after-interval"])
def test_row51_hundred_random_kids_fetch_the_key_set_at_most_once(app, lms, refused,
                                                                  keys_cached):
    if keys_cached:
        lms.launch()
        age_key_cache(lms, app)
    fetches_before = lms.jwks_fetches
    for _ in range(100):
        response = lms.launch_with(headers={"kid": secrets.token_hex(8)})
        refused(response, "kid_unknown", users=int(keys_cached))
    assert lms.jwks_fetches - fetches_before == 1


def test_row50_key_set_outage_falls_back_on_the_last_good_keys(app, lms):
    lms.launch()
    lms.jwks_status = 500
    age_key_cache(lms, app, expire=True)
    landing, _ = lms.land(lms.launch("student-02"))
    assert "Tutoring" in landing.text
    assert lms.jwks_fetches == 2  # the refresh was tried, failed, and did not wipe the keys
    assert "500" in db.session.get(PlatformKeyCache, lms.record.id).last_error


def test_row50_key_set_outage_without_cached_keys_is_refused_with_503(lms, refused):
    lms.jwks_status = 500
    response = lms.launch()
    refused(response, "jwks_unavailable", 503)
    assert "Your LMS did not answer" in response.text


def test_row50_key_set_timeout_fails_fast_with_503(lms, refused, mocked_network):
    mocked_network.replace(responses.GET, lms.platform.jwks_url,
                           body=requests.exceptions.ReadTimeout())
    refused(lms.launch(), "jwks_unavailable", 503)
    (call,) = [c for c in mocked_network.calls if c.request.url == lms.platform.jwks_url]
    assert max(call.request.req_kwargs["timeout"]) <= 5
