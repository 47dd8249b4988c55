"""`flask platforms` registers LMSs by preset, lists, disables, approves and invites."""

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Deployment, Platform
from lti_tool.services.platforms import find_open_invitation


def _platform(issuer: str) -> Platform:
    return db.session.execute(db.select(Platform).filter_by(issuer=issuer)).scalar_one()


def test_canvas_preset_uses_the_cloud_issuer_and_sso_endpoints(runner):
    result = runner.invoke(args=["platforms", "add", "--canvas", "--client-id", "10000000000123",
                                 "--deployment", "123:abc", "--deployment", "456:def"])
    assert result.exit_code == 0, result.output
    canvas = _platform("https://canvas.instructure.com")
    assert canvas.auth_login_url == "https://sso.canvaslms.com/api/lti/authorize_redirect"
    assert canvas.auth_token_url == "https://sso.canvaslms.com/login/oauth2/token"
    assert canvas.jwks_url == "https://sso.canvaslms.com/api/lti/security/jwks"
    assert [d.deployment_id for d in canvas.deployments] == ["123:abc", "456:def"]


def test_canvas_beta_and_two_schools_sharing_the_issuer(runner):
    runner.invoke(args=["platforms", "add", "--canvas-beta", "--client-id", "1"])
    assert _platform("https://canvas.beta.instructure.com").jwks_url.startswith(
        "https://sso.beta.canvaslms.com/")
    runner.invoke(args=["platforms", "add", "--canvas", "--client-id", "school-a"])
    runner.invoke(args=["platforms", "add", "--canvas", "--client-id", "school-b"])
    issuers = db.session.execute(
        db.select(Platform.client_id).filter_by(issuer="https://canvas.instructure.com")
    ).scalars().all()
    assert sorted(issuers) == ["school-a", "school-b"]


def test_moodle_preset_puts_endpoints_under_mod_lti(runner):
    runner.invoke(args=["platforms", "add", "--moodle", "https://moodle.example.edu/",
                        "--client-id", "abc", "--deployment", "1"])
    moodle = _platform("https://moodle.example.edu")
    assert moodle.auth_login_url == "https://moodle.example.edu/mod/lti/auth.php"
    assert moodle.auth_token_url == "https://moodle.example.edu/mod/lti/token.php"
    assert moodle.jwks_url == "https://moodle.example.edu/mod/lti/certs.php"


def test_add_without_a_preset_or_urls_explains_what_is_missing(runner):
    result = runner.invoke(args=["platforms", "add", "--client-id", "abc"])
    assert result.exit_code != 0 and "--canvas, --moodle URL, or --issuer" in result.output


def test_list_disable_and_approve(runner):
    runner.invoke(args=["platforms", "add", "--moodle", "https://m.example.edu",
                        "--client-id", "abc"])
    moodle = _platform("https://m.example.edu")
    pending = Deployment(platform_id=moodle.id, deployment_id="7", status="pending")
    db.session.add(pending)
    db.session.commit()
    assert "pending" in runner.invoke(args=["platforms", "list"]).output
    runner.invoke(args=["platforms", "approve", str(pending.id)])
    runner.invoke(args=["platforms", "disable", str(moodle.id)])
    db.session.refresh(pending)
    db.session.refresh(moodle)
    assert pending.status == "approved" and not moodle.enabled
    missing = runner.invoke(args=["platforms", "disable", "999"])
    assert missing.exit_code != 0 and "no platform with id 999" in missing.output


def test_invite_prints_a_single_use_registration_url(runner):
    output = runner.invoke(args=["platforms", "invite", "--note", "Moodle at Example"]).output
    token = output.split("invitation=")[1].split()[0]
    assert output.count("https://tool.test/lti/register?invitation=") == 1
    assert find_open_invitation(token, utcnow()) is not None


def test_add_refuses_endpoints_the_tool_could_never_fetch(runner, public_dns):
    public_dns["lms.campus.test"] = ["10.1.2.3"]
    internal = runner.invoke(args=[
        "platforms", "add", "--issuer", "https://lms.campus.test", "--client-id", "x",
        "--auth-url", "https://lms.campus.test/auth", "--token-url", "https://lms.campus.test/t",
        "--jwks-url", "https://lms.campus.test/jwks"])
    assert internal.exit_code != 0 and "private or local address" in internal.output
    plain = runner.invoke(args=["platforms", "add", "--moodle", "http://moodle.example.edu",
                                "--client-id", "x"])
    assert plain.exit_code != 0 and "only https URLs" in plain.output
    assert db.session.execute(db.select(Platform)).first() is None
