import re

import pytest

from shim.main.config import MIB, Settings, SettingsError, load_settings, settings_notices


def test_defaults_match_ollama_and_lm_studio() -> None:
    settings = load_settings({})
    assert (settings.host, settings.port) == ("127.0.0.1", 11434)
    assert settings.lmstudio_url == "http://localhost:1234"
    assert settings.max_request_bytes == 100 * MIB
    assert settings.max_json_values == 1_000_000
    assert settings.backend == "lmstudio"
    assert settings.workers == 1


def test_reads_every_setting_from_shim_variables() -> None:
    settings = load_settings(
        {
            "SHIM_PORT": "8080",
            "SHIM_LMSTUDIO_URL": "http://gpu-box:1234/",
            "SHIM_MODEL_ALIASES": "coder=qwen/qwen3-coder, chat = google/gemma-4-e4b",
            "SHIM_ALLOWED_ORIGINS": "https://ui.example, http://*.corp",
            "SHIM_MODEL_CACHE_TTL_SECONDS": "2.5",
            "SHIM_LOG_LEVEL": "DEBUG",
            "SHIM_BACKEND": "fake",
            "SHIM_API_KEY": "secret",
        }
    )
    assert settings.port == 8080
    assert settings.lmstudio_url == "http://gpu-box:1234"
    assert settings.model_aliases == {"coder": "qwen/qwen3-coder", "chat": "google/gemma-4-e4b"}
    assert settings.allowed_origins == ("https://ui.example", "http://*.corp")
    assert settings.model_cache_ttl_seconds == 2.5
    assert (settings.log_level, settings.backend, settings.api_key) == ("debug", "fake", "secret")


def test_flags_override_environment() -> None:
    settings = load_settings({"SHIM_PORT": "8080"}, {"port": "9090"})
    assert settings.port == 9090


def test_accepts_the_older_base_url_that_ends_in_v1() -> None:
    assert (
        load_settings({"SHIM_LMSTUDIO_BASE": "http://box:1234/v1/"}).lmstudio_url
        == "http://box:1234"
    )


def test_new_url_variable_wins_over_the_older_one() -> None:
    env = {"SHIM_LMSTUDIO_BASE": "http://old:1234/v1", "SHIM_LMSTUDIO_URL": "http://new:1234"}
    assert load_settings(env).lmstudio_url == "http://new:1234"


def test_empty_variables_count_as_unset() -> None:
    settings = load_settings({"SHIM_API_KEY": "", "SHIM_PORT": " ", "SHIM_STATE_DIR": "/s"})
    assert settings == Settings(state_dir="/s")


def test_state_lives_in_the_xdg_state_directory_by_default() -> None:
    assert load_settings({"HOME": "/home/u"}).state_dir == "/home/u/.local/state/shim"
    assert load_settings({"XDG_STATE_HOME": "/x"}).state_dir == "/x/shim"


@pytest.mark.parametrize(
    ("env", "flags", "named"),
    [
        ({"SHIM_PORT": "abc"}, {}, "SHIM_PORT='abc'"),
        ({"SHIM_PORT": "70000"}, {}, "SHIM_PORT='70000'"),
        ({}, {"port": "-1"}, "--port='-1'"),
        ({"SHIM_BACKEND": "ollama"}, {}, "SHIM_BACKEND='ollama'"),
        ({"SHIM_OLLAMA_VERSION": "0.5.0"}, {}, "SHIM_OLLAMA_VERSION='0.5.0'"),
        ({"SHIM_OLLAMA_VERSION": "v1.2"}, {}, "SHIM_OLLAMA_VERSION='v1.2'"),
        ({"SHIM_LMSTUDIO_URL": "localhost:1234"}, {}, "SHIM_LMSTUDIO_URL='localhost:1234'"),
        ({"SHIM_LMSTUDIO_BASE": "ftp://x/v1"}, {}, "SHIM_LMSTUDIO_BASE='ftp://x'"),
        ({"SHIM_MODEL_ALIASES": "no-equals-sign"}, {}, "SHIM_MODEL_ALIASES='no-equals-sign'"),
        ({"SHIM_MAX_REQUEST_BYTES": "0"}, {}, "SHIM_MAX_REQUEST_BYTES='0'"),
        ({"SHIM_READ_TIMEOUT_SECONDS": "soon"}, {}, "SHIM_READ_TIMEOUT_SECONDS='soon'"),
        ({}, {"workers": "0"}, "--workers='0'"),
        ({"SHIM_WORKERS": "65"}, {}, "SHIM_WORKERS='65'"),
        ({"SHIM_STATE_DIR": "/dev/null/shim"}, {"workers": "2"}, "SHIM_STATE_DIR='/dev/null/shim'"),
        ({"SHIM_STATE_BACKEND": "redis"}, {}, "SHIM_REDIS_URL=''"),
        ({"SHIM_STATE_BACKEND": "redis", "SHIM_REDIS_URL": "localhost:6379"}, {}, "SHIM_REDIS_URL"),
        ({"SHIM_STATE_BACKEND": "etcd"}, {}, "SHIM_STATE_BACKEND='etcd'"),
    ],
)
def test_bad_values_fail_with_one_line_naming_the_source(
    env: dict[str, str], flags: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env, flags)
    message = str(raised.value)
    assert named in message
    assert "\n" not in message


def test_recent_enough_versions_are_accepted() -> None:
    assert load_settings({"SHIM_OLLAMA_VERSION": "0.6.4"}).ollama_version == "0.6.4"


def test_a_lone_process_starts_even_where_it_cannot_keep_aliases() -> None:
    """Aliases are all it keeps there, so a read-only place only fails /api/copy; workers need
    the directory to share their state and are refused at once."""
    assert load_settings({"SHIM_STATE_DIR": "/dev/null/shim"}).state_dir == "/dev/null/shim"


def test_shared_state_is_in_files_unless_redis_is_named() -> None:
    assert load_settings({}).state_backend == "file"
    settings = load_settings(
        {"SHIM_STATE_BACKEND": "Redis"}, {"redis_url": "redis://cache.internal:6379/2"}
    )
    assert (settings.state_backend, settings.redis_url) == (
        "redis",
        "redis://cache.internal:6379/2",
    )


def test_workers_sharing_state_in_redis_need_no_writable_state_directory() -> None:
    settings = load_settings(
        {"SHIM_STATE_DIR": "/dev/null/shim", "SHIM_WORKERS": "2", "SHIM_STATE_BACKEND": "redis"},
        {"redis_url": "redis://cache.internal:6379/0"},
    )
    assert settings.workers == 2


@pytest.mark.parametrize(
    ("env", "accepted"),
    [
        ({"SHIM_LOG_LEVEL": "loud"}, "expected one of debug, info, warning, error"),
        ({"SHIM_LOG_FORMAT": "xml"}, "expected one of auto, json, console"),
        ({"SHIM_BACKEND": "ollama"}, "expected one of lmstudio, fake"),
        ({"SHIM_HOST_CHECK": "maybe"}, "expected true or false (or 1 or 0)"),
        ({"SHIM_STARTUP_CHECK": "sometimes"}, "expected true or false (or 1 or 0)"),
    ],
)
def test_choices_and_switches_name_what_they_accept(env: dict[str, str], accepted: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(accepted)):
        load_settings(env)


def test_a_bad_variable_is_reported_even_when_a_flag_overrides_it() -> None:
    with pytest.raises(SettingsError, match="SHIM_PORT='abc'"):
        load_settings({"SHIM_PORT": "abc"}, {"port": "8080"})


@pytest.mark.parametrize("given", ["http://gpu-box:1234/v1", "http://gpu-box:1234/v1/"])
def test_the_url_lm_studio_displays_is_accepted_with_a_notice(given: str) -> None:
    assert load_settings({"SHIM_LMSTUDIO_URL": given}).lmstudio_url == "http://gpu-box:1234"
    [notice] = settings_notices({}, {"lmstudio_url": given})
    assert notice == "--lmstudio-url ends in /v1; using the server's root, http://gpu-box:1234"


def test_a_url_without_v1_has_no_notice() -> None:
    assert settings_notices({"SHIM_LMSTUDIO_URL": "http://gpu-box:1234"}, {}) == []


def test_each_url_of_several_ending_in_v1_is_trimmed_with_a_notice() -> None:
    given = "http://a:1234/v1,http://b:1234"
    assert load_settings({"SHIM_LMSTUDIO_URL": given}).lmstudio_url == "http://a:1234,http://b:1234"
    assert settings_notices({"SHIM_LMSTUDIO_URL": given}, {}) == [
        "SHIM_LMSTUDIO_URL: http://a:1234/v1 ends in /v1; using the server's root, http://a:1234"
    ]
