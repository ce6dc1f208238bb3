"""Settings read from the environment that deployment depends on."""

import importlib
import os
from unittest import mock


def test_it_trusts_the_https_proxy_when_told():
    env = {"CSRF_TRUSTED_ORIGINS": "https://xinfang.example.gov.cn", "BEHIND_HTTPS_PROXY": "true"}
    with mock.patch.dict(os.environ, env):
        import xinfang.settings as settings_module

        reloaded = importlib.reload(settings_module)
        assert reloaded.CSRF_TRUSTED_ORIGINS == ["https://xinfang.example.gov.cn"]
        assert reloaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        assert reloaded.SESSION_COOKIE_SECURE is True
    importlib.reload(settings_module)
