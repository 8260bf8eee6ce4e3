"""SHIM_LMSTUDIO_URL as a list of hosts, each paired with its token."""

import pytest

from shim.main.backends import FakeBackend, LMStudioBackend, LMStudioHostsBackend, backend_for
from shim.main.config import Settings, SettingsError, load_settings
from shim.main.hosts import LMStudioHost, host_tokens, lmstudio_hosts

TWO = "http://gpu-a:1234/, http://gpu-b:1234"


def test_one_url_keeps_its_token_whole_and_the_single_host_backend() -> None:
    assert lmstudio_hosts("http://box:1234", "sk,with,commas") == (
        LMStudioHost("http://box:1234", "sk,with,commas"),
    )
    assert backend_for(Settings()) is LMStudioBackend


def test_several_urls_are_split_and_trimmed_and_choose_the_hosts_backend() -> None:
    settings = load_settings({"SHIM_LMSTUDIO_URL": TWO})
    assert settings.lmstudio_url == "http://gpu-a:1234,http://gpu-b:1234"
    assert backend_for(settings) is LMStudioHostsBackend
    fake = Settings(lmstudio_url=settings.lmstudio_url, backend="fake")
    assert backend_for(fake) is FakeBackend


def test_one_token_serves_every_host_or_each_host_has_its_own() -> None:
    urls = "http://a:1,http://b:2,http://c:3"
    assert [host.token for host in lmstudio_hosts(urls, "sk-all")] == ["sk-all"] * 3
    assert [host.token for host in lmstudio_hosts(urls, "sk-a, ,sk-c")] == ["sk-a", None, "sk-c"]
    assert [host.token for host in lmstudio_hosts(urls, None)] == [None] * 3


def test_a_token_count_that_does_not_match_names_the_token_variable_not_the_tokens() -> None:
    env = {"SHIM_LMSTUDIO_URL": TWO, "SHIM_LMSTUDIO_API_TOKEN": "sk-secret-a,sk-b,sk-c"}
    with pytest.raises(SettingsError, match=r"SHIM_LMSTUDIO_API_TOKEN.*3 tokens for 2 URLs") as e:
        load_settings(env)
    assert "sk-secret-a" not in str(e.value)


@pytest.mark.parametrize(
    ("urls", "why"),
    [
        ("http://a:1,ftp://b", "got 'ftp://b'"),
        ("http://a:1,,http://b", "got ''"),
        ("http://a:1,http://a:1/", "listed twice"),
    ],
)
def test_bad_url_lists_are_refused_naming_the_variable(urls: str, why: str) -> None:
    with pytest.raises(SettingsError, match=rf"SHIM_LMSTUDIO_URL=.*{why}"):
        load_settings({"SHIM_LMSTUDIO_URL": urls})


def test_the_check_period_must_be_positive() -> None:
    assert load_settings({"SHIM_LMSTUDIO_CHECK_SECONDS": "2.5"}).lmstudio_check_seconds == 2.5
    with pytest.raises(SettingsError, match="SHIM_LMSTUDIO_CHECK_SECONDS"):
        load_settings({"SHIM_LMSTUDIO_CHECK_SECONDS": "0"})


def test_logs_hide_the_whole_token_setting_and_each_token_in_it() -> None:
    assert host_tokens("sk-a, sk-b") == ("sk-a, sk-b", "sk-a", "sk-b")
    assert host_tokens(None) == ()
