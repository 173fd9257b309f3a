"""A city's single sign-on for citizens, against a local OpenID Connect provider the test runs: authorization code
flow with PKCE, an RS256-signed ID token checked against the provider's keys, the user info — and the account it
opens is a citizen's, never a staff account with the same email."""

import json
import threading
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlparse
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from ioc.core.models import Role
from tests.core.test_cli import free_port


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Provider:
    """Just enough of an OpenID Connect provider: /authorize, /token, /jwks, /userinfo."""

    def __init__(self, email, client_id="ioc"):
        self.email, self.client_id, self.client_secret = email, client_id, uuid.uuid4().hex
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, self.app, handler_class=Quiet)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if path == "/authorize":
            code = uuid.uuid4().hex
            self.codes[code] = query["nonce"][0]
            target = query["redirect_uri"][0] + "?" + urlencode({"code": code, "state": query["state"][0]})
            start_response("302 Found", [("Location", target)])
            return [b""]
        if path == "/token":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode())
            nonce = self.codes.pop(form["code"][0], None)
            if nonce is None or form["client_secret"][0] != self.client_secret:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [b'{"error": "invalid_grant"}']
            now = int(time.time())
            claims = {
                "iss": self.url,
                "aud": self.client_id,
                "sub": "citizen-1",
                "email": self.email,
                "nonce": nonce,
                "iat": now,
                "exp": now + 300,
            }
            token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
            return self._json(start_response, {"access_token": "at-1", "id_token": token, "token_type": "Bearer"})
        if path == "/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return self._json(start_response, {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
        if path == "/userinfo":
            return self._json(
                start_response, {"sub": "citizen-1", "email": self.email, "email_verified": True, "name": "Lò Văn Minh"}
            )
        start_response("404 Not Found", [])
        return [b""]

    def _json(self, start_response, data):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(data).encode()]


@pytest.fixture
def provider(settings):
    def make(email):
        p = Provider(email)
        settings.OIDC_RP_CLIENT_ID = p.client_id
        settings.OIDC_RP_CLIENT_SECRET = p.client_secret
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = p.url + "/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = p.url + "/token"
        settings.OIDC_OP_USER_ENDPOINT = p.url + "/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = p.url + "/jwks"
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "ioc.feedback.sso.CitizenSSOBackend"]
        return p

    yield make


def sign_in_through(client, provider):
    start = client.get("/phan-anh/dang-nhap/sso/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/authorize")
    assert "code_challenge" in start["Location"]  # PKCE
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    location = urlparse(back.headers["Location"])
    return client.get(location.path + "?" + location.query)


def test_a_citizen_signs_in_with_the_citys_account(units, client, provider):
    city = provider("minh@example.vn")
    assert "Đăng nhập bằng tài khoản của thành phố" in client.get("/phan-anh/dang-nhap/").content.decode()
    done = sign_in_through(client, city)
    assert done.status_code == 302
    user = client.get("/phan-anh/cua-toi/").wsgi_request.user
    assert user.is_authenticated and user.email == "minh@example.vn" and user.profile.role == Role.CITIZEN
    assert user.first_name == "Lò Văn Minh"


def test_the_citys_account_never_opens_a_staff_account(units, users, client, provider):
    city = provider(users["operator"].email)  # an official's email at the city's provider
    sign_in_through(client, city)
    user = client.get("/phan-anh/cua-toi/").wsgi_request.user
    assert user.pk != users["operator"].pk and user.profile.role == Role.CITIZEN


def test_without_a_provider_there_is_no_sso(db, client):
    assert client.get("/phan-anh/dang-nhap/sso/").status_code == 404
    assert "tài khoản của thành phố" not in client.get("/phan-anh/dang-nhap/").content.decode()
