"""Rate limits and the offline CAPTCHA that guard the public tracking lookup (no enumeration).

A 查询码 is unguessable (32**12 codes), but the phone digits are only 4: without limits, someone who
learnt a code could try the 10,000 tails. So every lookup counts against the caller's IP, every failed
lookup against the IP and against the code, and after a few failures a CAPTCHA is required.

Counters live in Django's cache (fixed windows: `cache.add` starts the window, `cache.incr` counts).
The default LocMem cache is per process: enough for one server process and for tests. A production
deployment with several processes or machines must configure a shared cache (Redis, Memcached or the
database cache, see docs/portal.md), or each process keeps its own counts.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from xinfang.core.errors import XinfangError


class RateLimited(XinfangError):
    status = 429
    code = "rate_limited"


class CaptchaRequired(XinfangError):
    status = 403
    code = "captcha_required"


def setting(name: str, default: int) -> int:
    value: Any = getattr(settings, name, default)
    return int(value)


# All lookups per IP (also successful ones) per window, failures per IP and per code per window, and
# the number of failures after which the CAPTCHA is asked for.
LOOKUP_WINDOW = 600
FAILURE_WINDOW = 3600


def limits() -> dict[str, int]:
    return {
        "ip_lookups": setting("XINFANG_PORTAL_IP_LOOKUPS", 30),
        "ip_failures": setting("XINFANG_PORTAL_IP_FAILURES", 20),
        "code_failures": setting("XINFANG_PORTAL_CODE_FAILURES", 10),
        "captcha_after": setting("XINFANG_PORTAL_CAPTCHA_AFTER", 3),
        "submissions": setting("XINFANG_PORTAL_IP_SUBMISSIONS", 10),
    }


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.

    Behind a reverse proxy, have the proxy set REMOTE_ADDR (e.g. uwsgi/gunicorn with the real-IP module).
    """
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"xinfang:portal:{parts[0]}:{digest}"


def _count(key: str) -> int:
    value = cache.get(key)
    return int(value) if value else 0


def _hit(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def check_lookup(ip: str, code: str) -> None:
    """Count one lookup; refuse when the IP or the code has had too many (before any database read)."""
    lim = limits()
    if _hit(_key("lookups", ip), LOOKUP_WINDOW) > lim["ip_lookups"]:
        raise RateLimited("查询过于频繁，请10分钟后再试。", code="rate_limited")
    if _count(_key("ipfail", ip)) >= lim["ip_failures"]:
        raise RateLimited("输入错误次数过多，请1小时后再试。", code="rate_limited")
    if code and _count(_key("codefail", normalize_code(code))) >= lim["code_failures"]:
        raise RateLimited("该查询码的错误尝试次数过多，已暂停查询，请1小时后再试。", code="rate_limited")


def needs_captcha(ip: str, code: str = "") -> bool:
    after = limits()["captcha_after"]
    if _count(_key("ipfail", ip)) >= after:
        return True
    return bool(code) and _count(_key("codefail", normalize_code(code))) >= after


def record_failure(ip: str, code: str) -> None:
    _hit(_key("ipfail", ip), FAILURE_WINDOW)
    if code:
        _hit(_key("codefail", normalize_code(code)), FAILURE_WINDOW)


def check_submission(ip: str) -> None:
    if _hit(_key("submit", ip), FAILURE_WINDOW) > limits()["submissions"]:
        raise RateLimited(
            "提交过于频繁，请稍后再试；如情况紧急，请拨打当地信访部门电话。", code="rate_limited"
        )


# --- CAPTCHA: a small sum drawn with Pillow; the answer stays in the cache, one use only ---------------
CAPTCHA_TTL = 600


def captcha_new() -> str:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    key = secrets.token_urlsafe(16)
    cache.set(f"xinfang:portal:captcha:{key}", {"a": a, "b": b}, CAPTCHA_TTL)
    return key


def captcha_question(key: str) -> tuple[int, int] | None:
    value = cache.get(f"xinfang:portal:captcha:{key}") if key else None
    if not isinstance(value, dict):
        return None
    return int(value["a"]), int(value["b"])


def captcha_check(key: str, answer: str) -> bool:
    """True when the answer is right; the challenge is used up either way."""
    question = captcha_question(key)
    cache.delete(f"xinfang:portal:captcha:{key}")
    if question is None:
        return False
    text = (answer or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return text.isdigit() and int(text) == question[0] + question[1]


def captcha_png(key: str) -> bytes | None:
    """The challenge as a PNG: digits with jitter and a few lines, readable to people, not to a regex."""
    from PIL import Image, ImageDraw, ImageFont

    question = captcha_question(key)
    if question is None:
        return None
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (180, 60), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for _ in range(6):
        draw.line(
            [(rng.randint(0, 180), rng.randint(0, 60)), (rng.randint(0, 180), rng.randint(0, 60))],
            fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)),
            width=2,
        )
    x = 10
    for ch in f"{question[0]}+{question[1]}=?":
        draw.text((x, rng.randint(6, 16)), ch, fill=(20, 20, 60), font=font)
        x += 30
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
