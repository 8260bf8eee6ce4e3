"""The proxy towards LM Studio, as the environment's proxy variables name it, read once."""

import pytest

from shim.main.config import load_settings
from shim.main.proxy_env import proxy_for

LMSTUDIO = "http://gpu-box:1234"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"HTTP_PROXY": "http://proxy:3128"}, "http://proxy:3128"),
        ({"http_proxy": "http://lower:1", "HTTP_PROXY": "http://upper:2"}, "http://lower:1"),
        ({"HTTPS_PROXY": "http://proxy:3128"}, None),
        ({"ALL_PROXY": "http://all:1"}, "http://all:1"),
        ({"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "gpu-box"}, None),
        ({"HTTP_PROXY": "http://proxy:3128", "no_proxy": "*"}, None),
        ({"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "other-host"}, "http://proxy:3128"),
    ],
)
def test_the_variables_name_the_proxy_for_lm_studios_url(
    environ: dict[str, str], expected: str | None
) -> None:
    assert proxy_for(LMSTUDIO, environ) == expected


def test_https_urls_take_the_https_proxy() -> None:
    environ = {"HTTPS_PROXY": "http://secure:1", "HTTP_PROXY": "http://plain:2"}
    assert proxy_for("https://gpu-box:1234", environ) == "http://secure:1"


def test_settings_take_the_proxy_from_the_environment_unless_told_otherwise() -> None:
    environ = {"SHIM_LMSTUDIO_URL": LMSTUDIO, "HTTP_PROXY": "http://proxy:3128"}
    assert load_settings(environ).lmstudio_proxy == "http://proxy:3128"
    chosen = {**environ, "SHIM_LMSTUDIO_PROXY": "http://chosen:8080"}
    assert load_settings(chosen).lmstudio_proxy == "http://chosen:8080"
    assert load_settings({"SHIM_LMSTUDIO_URL": LMSTUDIO}).lmstudio_proxy is None


@pytest.mark.parametrize(
    ("no_proxy", "exempt"),
    [
        ("gpu-box", False),
        ("gpu-box.lab.example", True),
        (".lab.example", True),
        ("lab.example", True),
        ("example", True),
        ("box.lab.example", False),
        ("gpu-box.lab.example:1234", True),
        ("other, gpu-box.lab.example", True),
    ],
)
def test_no_proxy_entries_match_the_host_or_its_domains(no_proxy: str, exempt: bool) -> None:
    environ = {"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": no_proxy}
    found = proxy_for("http://gpu-box.lab.example:1234", environ)
    assert (found is None) is exempt
